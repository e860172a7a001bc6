import test from 'ava';
import { errorFromResponse, parseErrorBody } from '../../../sdk/src/errors.js';
import { EtagMismatchError, OutriggerError, SidecarError, UNKNOWN_ERROR_CODE } from '../../../sdk/src/index.js';

test('a Dapr error body gives its code, message and status', (t) => {
  const err = errorFromResponse(400, '{"errorCode":"ERR_STATE_STORE_NOT_FOUND","message":"state store nope is not found"}');
  t.true(err instanceof SidecarError);
  t.true(err instanceof OutriggerError);
  t.true(err instanceof Error);
  t.false(err instanceof EtagMismatchError);
  t.is(err.name, 'SidecarError');
  t.is(err.status, 400);
  t.is(err.errorCode, 'ERR_STATE_STORE_NOT_FOUND');
  t.is(err.message, 'state store nope is not found');
  t.deepEqual(err.details, []);
});

test('details are kept when the sidecar sends them', (t) => {
  const details = [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'DAPR_STATE_NOT_FOUND', domain: 'dapr.io', metadata: {} },
    { '@type': 'type.googleapis.com/google.rpc.ResourceInfo', resource_type: 'state', resource_name: 'nope' },
  ];
  const err = errorFromResponse(400, JSON.stringify({ errorCode: 'ERR_STATE_STORE_NOT_FOUND', message: 'm', details }));
  t.deepEqual(err.details, details);
});

for (const code of ['ERR_STATE_SAVE', 'ERR_STATE_DELETE']) {
  test(`409 ${code} is an EtagMismatchError`, (t) => {
    const err = errorFromResponse(409, JSON.stringify({ errorCode: code, message: 'possible etag mismatch' }));
    t.true(err instanceof EtagMismatchError);
    t.true(err instanceof SidecarError);
    t.is(err.name, 'EtagMismatchError');
    t.is(err.status, 409);
    t.is(err.errorCode, code);
  });
}

test('the same codes with another status are not etag mismatches', (t) => {
  t.false(errorFromResponse(400, '{"errorCode":"ERR_STATE_SAVE","message":"invalid etag value"}') instanceof EtagMismatchError);
  t.false(errorFromResponse(500, '{"errorCode":"ERR_STATE_DELETE","message":"boom"}') instanceof EtagMismatchError);
  t.false(errorFromResponse(409, '{"errorCode":"ERR_SOMETHING_ELSE","message":"x"}') instanceof EtagMismatchError);
});

test('a body that is not JSON becomes ERR_UNKNOWN with the text as message', (t) => {
  const err = errorFromResponse(502, '  Bad Gateway\n');
  t.is(err.errorCode, UNKNOWN_ERROR_CODE);
  t.is(err.errorCode, 'ERR_UNKNOWN');
  t.is(err.message, 'Bad Gateway');
  t.is(err.status, 502);
});

test('an empty body still says what happened', (t) => {
  const err = errorFromResponse(503, '');
  t.is(err.errorCode, 'ERR_UNKNOWN');
  t.regex(err.message, /503/);
});

test('JSON that is not an error body is kept as text', (t) => {
  for (const text of ['[1,2]', '"just a string"', 'null', '{"message":"no code"}', '{"errorCode":42}']) {
    const err = errorFromResponse(500, text);
    t.is(err.errorCode, 'ERR_UNKNOWN', text);
    t.is(err.message, text);
  }
});

test('a missing message or malformed details do not break parsing', (t) => {
  const err = errorFromResponse(500, '{"errorCode":"ERR_INTERNAL","details":"not-an-array"}');
  t.is(err.errorCode, 'ERR_INTERNAL');
  t.is(err.message, '');
  t.deepEqual(err.details, []);
  const mixed = errorFromResponse(500, '{"errorCode":"ERR_INTERNAL","message":"m","details":[1,{"@type":"x"},null]}');
  t.deepEqual(mixed.details, [{ '@type': 'x' }]);
});

test('parseErrorBody recognises only Dapr error bodies', (t) => {
  t.truthy(parseErrorBody(500, '{"errorCode":"ERR_DIRECT_INVOKE","message":"m"}'));
  t.is(parseErrorBody(404, '{"message":"order not found"}'), undefined);
  t.is(parseErrorBody(404, 'not found'), undefined);
  t.is(parseErrorBody(404, '{"errorCode":""}'), undefined);
});

test('error classes can be built by callers too, e.g. in their own tests', (t) => {
  const err = new EtagMismatchError({ status: 409, errorCode: 'ERR_STATE_SAVE', message: 'stale' });
  t.is(err.message, 'stale');
  t.deepEqual(err.details, []);
  t.regex(String(err), /^EtagMismatchError: stale$/);
});
