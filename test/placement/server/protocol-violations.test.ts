import test, { type ExecutionContext } from 'ava';
import { CLOSE_PROTOCOL_VIOLATION, PROTOCOL_VERSION, type PlacementOptions } from '../../../placement/src/index.js';
import { FakeSidecar } from '../helpers/fake-sidecar.js';
import { SHORT_TIMINGS, startTestPlacement, waitForTable, warned, type TestPlacement } from '../helpers/placement.js';

/** Committed versions and members per namespace: the state without the ever-moving lastSeen. */
function tables(placement: TestPlacement): string {
  const entries = Object.entries(placement.state().namespaces).map(([ns, n]) => [ns, n.version, n.hosts.map((h) => h.hostId)]);
  return JSON.stringify(entries);
}

/**
 * Each rule: a healthy member is committed first; the offending connection gets `refused` with
 * the code and a 1008 close; an offender that never registered leaves the state as it was, and
 * the placement goes on serving.
 */
async function assertRefused(
  t: ExecutionContext,
  expectedCode: string,
  offend: (offender: FakeSidecar, placement: TestPlacement) => void | Promise<void>,
  /** Whether the offence starts with a valid register (which then is a real join). */
  { joinsFirst = false, ackPrepare = true, options = {} }: { joinsFirst?: boolean; ackPrepare?: boolean; options?: PlacementOptions } = {},
): Promise<void> {
  const placement = await startTestPlacement(t, options);
  const healthy = await FakeSidecar.connect(t, placement.port);
  await waitForTable([healthy], [healthy]);
  const offender = await FakeSidecar.connect(t, placement.port, { register: false, ackPrepare });
  const before = tables(placement);

  await offend(offender, placement);
  const { code } = await offender.closed;
  if (!joinsFirst) t.is(tables(placement), before);
  t.is(code, CLOSE_PROTOCOL_VIOLATION);
  t.is(offender.refusals()[0]?.code, expectedCode);
  t.true(warned(placement, 'closing a connection'), 'the reason is logged');

  // Still serving: a newcomer joins, and the table never held the offender.
  const newcomer = await FakeSidecar.connect(t, placement.port);
  await waitForTable([healthy, newcomer], [healthy, newcomer]);
  t.false(tables(placement).includes(offender.hostId));
}

test('malformed bytes are refused with PROTO_MALFORMED', (t) =>
  assertRefused(t, 'PROTO_MALFORMED', (s) => s.sendBytes(Buffer.from([0xc1, 0xff, 0x00]))));

test('a text frame is refused with PROTO_MALFORMED', (t) =>
  assertRefused(t, 'PROTO_MALFORMED', (s) => s.sendBytes('{"kind":"register"}')));

test('an unknown kind is refused with PROTO_UNKNOWN_KIND', (t) =>
  assertRefused(t, 'PROTO_UNKNOWN_KIND', (s) => s.sendObject({ kind: 'prepare', v: PROTOCOL_VERSION, version: 1, replicationFactor: 1, members: [] })));

test('another protocol version is refused with PROTO_VERSION_MISMATCH', (t) =>
  assertRefused(t, 'PROTO_VERSION_MISMATCH', (s) => s.sendObject({ kind: 'register', v: 99, host: s.host })));

test('an invalid field is refused with PROTO_INVALID_FIELD', (t) =>
  assertRefused(t, 'PROTO_INVALID_FIELD', (s) => s.sendObject({ kind: 'register', v: PROTOCOL_VERSION, host: { ...s.host, actorTypes: 'Counter' } })));

test('an ack before register is refused with PROTO_OUT_OF_ORDER', (t) =>
  assertRefused(t, 'PROTO_OUT_OF_ORDER', (s) => s.ack('prepare', 1)));

test('an ack for a version never sent to that connection is refused with PROTO_OUT_OF_ORDER', (t) =>
  assertRefused(
    t,
    'PROTO_OUT_OF_ORDER',
    async (s) => {
      // Registered, but acks a commit far in the future it was never sent.
      s.register();
      s.ack('commit', Number.MAX_SAFE_INTEGER);
    },
    { joinsFirst: true, ackPrepare: false },
  ));

test('a second register with another host id on the same connection is refused with PROTO_OUT_OF_ORDER', (t) =>
  assertRefused(t, 'PROTO_OUT_OF_ORDER', (s) => {
    s.register();
    s.register({ hostId: `${s.hostId}-other` });
  }, { joinsFirst: true }));

test('a second register in another namespace on the same connection is refused with PROTO_OUT_OF_ORDER', (t) =>
  assertRefused(t, 'PROTO_OUT_OF_ORDER', (s) => {
    s.register();
    s.register({ namespace: 'elsewhere' });
  }, { joinsFirst: true }));

test('no register within the registration timeout closes the connection', (t) =>
  assertRefused(t, 'PLACEMENT_REGISTRATION_TIMEOUT', () => undefined, { options: { registrationTimeoutMs: SHORT_TIMINGS.registrationTimeoutMs } }));

test('a frame over maxMessageBytes is closed by ws with 1009 and changes nothing', async (t) => {
  const placement = await startTestPlacement(t, { maxMessageBytes: 4_096 });
  const healthy = await FakeSidecar.connect(t, placement.port);
  await waitForTable([healthy], [healthy]);
  const offender = await FakeSidecar.connect(t, placement.port, { register: false });
  offender.sendBytes(Buffer.alloc(8_192));
  t.is((await offender.closed).code, 1009);
  const again = await FakeSidecar.connect(t, placement.port);
  await waitForTable([healthy, again], [healthy, again]);
});
