import test from 'ava';
import { decode, encode, ProtocolError, PROTOCOL_VERSION, type InvokeRequest } from '@outrigger/placement';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function invoke(fields: Record<string, unknown>): Buffer {
  const call = { verb: 'POST', path: 'x', query: '', headers: {}, body: new Uint8Array() };
  return encode({ kind: 'invoke', v: PROTOCOL_VERSION, id: 1, appId: 'b', call, timeoutMs: 1000, ...fields } as InvokeRequest);
}

test('a peer request carries its trace context through the codec', (t) => {
  const [message] = decode(invoke({ traceparent: TRACEPARENT, tracestate: 'k=v' }), 'peer');
  t.like(message, { traceparent: TRACEPARENT, tracestate: 'k=v' });
});

for (const [what, fields] of [
  ['a malformed traceparent', { traceparent: '00-xyz-01' }],
  ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }],
  ['version ff', { traceparent: TRACEPARENT.replace(/^00/, 'ff') }],
  ['a tracestate without a traceparent', { tracestate: 'k=v' }],
  ['a traceparent that is not a string', { traceparent: 7 }],
] as const) {
  test(`a peer request with ${what} is refused as an invalid field`, (t) => {
    const error = t.throws(() => decode(invoke(fields), 'peer'), { instanceOf: ProtocolError });
    t.is(error.code, 'PROTO_INVALID_FIELD');
  });
}
