import test from 'ava';
import { parseDirections, parseOutputRequest } from '../../../runtime/src/bindings/index.js';
import { ApiError } from '../../../runtime/src/errors/index.js';

test('the data of an output request is handed on as JSON text, a missing one as null', (t) => {
  t.is(parseOutputRequest({ operation: 'create', data: 'hi' }).data.toString(), '"hi"');
  t.is(parseOutputRequest({ operation: 'create', data: { a: [1] } }).data.toString(), '{"a":[1]}');
  t.is(parseOutputRequest({ operation: 'create' }).data.toString(), 'null');
});

test('an output request keeps its operation and string metadata', (t) => {
  const request = parseOutputRequest({ operation: 'get', metadata: { key: 'k1' } });
  t.is(request.operation, 'get');
  t.deepEqual(request.metadata, { key: 'k1' });
});

test('a JSON null body is a request without an operation, as daprd reads it', (t) => {
  t.is(parseOutputRequest(null).operation, '');
});

test('bodies that are not the request object are ERR_MALFORMED_REQUEST', (t) => {
  for (const body of [undefined, [1], 'text', 3, { operation: 7 }, { operation: 'create', metadata: { ttl: 5 } }, { operation: 'create', metadata: [] }]) {
    const err = t.throws(() => parseOutputRequest(body), { instanceOf: ApiError });
    t.is(err?.code, 'ERR_MALFORMED_REQUEST');
    t.is(err?.status, 400);
  }
});

test('direction names the faces; without it a binding has both and the input is probed', (t) => {
  t.deepEqual(parseDirections(undefined), { input: true, output: true, declaredInput: false });
  t.deepEqual(parseDirections('input'), { input: true, output: false, declaredInput: true });
  t.deepEqual(parseDirections(' Output '), { input: false, output: true, declaredInput: false });
  t.deepEqual(parseDirections('input, output'), { input: true, output: true, declaredInput: true });
});

test('a direction word that is neither input nor output is refused', (t) => {
  t.throws(() => parseDirections('inbound'), { message: /must be "input", "output" or "input, output", got "inbound"/ });
});
