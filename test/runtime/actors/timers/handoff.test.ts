import test from 'ava';
import { decode, encode, PROTOCOL_VERSION, ProtocolError, type TimerHandoffRequest } from '../../../../placement/src/index.js';
import { actorOfHandoff, statesFromHandoff, timerHandoffMessage } from '../../../../runtime/src/actors/timers/index.js';
import { keyOf } from '../../../../runtime/src/actors/keys.js';
import { counter, counterKey, timerHarness } from './helpers.js';
import { ManualTimerClock } from './manual-timer-clock.js';

/** Two sidecars' timer services on one clock, so instants compare directly. */
function twoSidecars() {
  const clock = new ManualTimerClock();
  return { clock, old: timerHarness(clock), next: timerHarness(clock) };
}

function wire(message: ReturnType<typeof timerHandoffMessage>): TimerHandoffRequest {
  const [decoded] = decode(encode({ ...message, v: PROTOCOL_VERSION, id: 7, timeoutMs: 5000 }), 'peer');
  if (decoded?.kind !== 'timer-handoff') throw new Error(`decoded a ${decoded?.kind}`);
  return decoded;
}

test('handOff + adopt keeps the next due time and the count', async (t) => {
  const { clock, old, next } = twoSidecars();
  old.service.register(counter, 'r5', { dueTime: '1s', period: 'R5/PT1S', data: { n: 1 } });
  await clock.advance(2500);
  const states = old.service.handOff(counterKey);
  t.is(states.length, 1);
  t.is(states[0]!.firedCount, 2);
  t.is(states[0]!.nextDueAt, clock.now() + 500);
  t.deepEqual(old.service.timersOf(counterKey), [], 'the old owner keeps nothing');

  t.is(next.service.adopt(counter, states), 1);
  await clock.advance(10_000);
  t.deepEqual(old.times(), [1000, 2000]);
  t.deepEqual(next.times(), [3000, 4000, 5000], 'same cadence, and only the 3 fires left of R5');
  t.is(next.fires[0]!.raw, '{"data":{"n":1},"callback":"","dueTime":"1s","period":"R5/PT1S"}');
  t.is(clock.pending, 0);
});

test('a hand-off survives the wire unchanged', async (t) => {
  const { clock, old } = twoSidecars();
  old.service.register(counter, 'plain', { period: '1s' });
  old.service.register(counter, 'full', { dueTime: '2026-01-01T00:00:05Z', period: 'PT2S', ttl: '1h', callback: 'onFull', data: [1, 'two'] });
  await clock.advance(1000);
  const states = old.service.handOff(counterKey);
  const received = wire(timerHandoffMessage(counter, states));
  t.deepEqual(actorOfHandoff(received), counter);
  t.deepEqual(statesFromHandoff(received), states);
  t.false('data' in received.timers.find((timer) => timer.name === 'plain')!, 'absent data is left out, not sent as undefined');
});

test('the codec refuses a malformed hand-off', (t) => {
  const message = timerHandoffMessage(counter, [
    { name: 't', text: { dueTime: '', period: '', ttl: '' }, dueAt: 0, expiresAt: undefined, nextDueAt: 0, firedCount: 0, callback: '', data: undefined },
  ]);
  const bad = { ...message, timers: [{ ...message.timers[0]!, firedCount: -1 }], v: PROTOCOL_VERSION, id: 1, timeoutMs: 1000 };
  const error = t.throws(() => decode(encode(bad), 'peer'), { instanceOf: ProtocolError });
  t.regex(error?.message ?? '', /timers\[0\]\.firedCount/);
});

test('an overdue adopted timer fires at once, then returns to its grid', async (t) => {
  const { clock, old, next } = twoSidecars();
  old.service.register(counter, 'tick', { period: '1s' });
  await clock.advance(500);
  const states = old.service.handOff(counterKey);
  await clock.advance(2200); // the hand-off took a while: slots 1000, 2000 passed (now 2700)
  next.service.adopt(counter, states);
  await clock.advance(1500);
  t.deepEqual(old.times(), [0]);
  // 1000 fires late at 2700 (one catch-up, 2000 is skipped), then 3000 and 4000 on the grid.
  t.deepEqual(next.times(), [2700, 3000, 4000]);
});

test('adopt keeps a local timer of the same name; it was created after the hand-off', async (t) => {
  const { clock, old, next } = twoSidecars();
  old.service.register(counter, 'shared', { period: '1s', data: 'old' });
  old.service.register(counter, 'only-old', { dueTime: '1s', data: 'moved' });
  const states = old.service.handOff(counterKey);
  next.service.register(counter, 'shared', { dueTime: '500ms', data: 'new' });
  t.is(next.service.adopt(counter, states), 1);
  await clock.advance(1000);
  t.deepEqual(
    next.fires.map((f) => [f.at, f.name, f.body['data']]),
    [
      [500, 'shared', 'new'],
      [1000, 'only-old', 'moved'],
    ],
  );
});

test('adopt skips a state it cannot rebuild and keeps the rest', async (t) => {
  const { clock, next } = twoSidecars();
  const base = { text: { dueTime: '', period: '', ttl: '' }, dueAt: clock.now(), expiresAt: undefined, nextDueAt: clock.now(), firedCount: 0, callback: '', data: undefined };
  const adopted = next.service.adopt(counter, [
    { ...base, name: 'bad-period', text: { dueTime: '', period: 'every second', ttl: '' } },
    { ...base, name: 'bad-data', data: Buffer.from('{not json') },
    { ...base, name: 'good' },
  ]);
  t.is(adopted, 1);
  await clock.advance(0);
  t.deepEqual(next.fires.map((f) => f.name), ['good']);
});

test('handOff during a fire carries the next slot, and the running fire is not re-armed', async (t) => {
  const { clock, old, next } = twoSidecars();
  old.behaviour = () => clock.sleep(300);
  old.service.register(counter, 'tick', { period: 'R3/PT1S' });
  await clock.advance(100);
  const [state] = old.service.handOff(counterKey);
  t.is(state?.firedCount, 1);
  t.is(state?.nextDueAt, clock.now() + 900);
  next.service.adopt(counter, state ? [state] : []);
  await clock.advance(5000);
  t.deepEqual(old.times(), [0]);
  t.deepEqual(next.times(), [1000, 2000]);
});

test('drop stops all of one actor\'s timers and no others; close stops everything', async (t) => {
  const { clock, service, times } = timerHarness();
  const other = { type: 'Counter', id: 'b' };
  service.register(counter, 'one', { period: '1s' });
  service.register(counter, 'two', { dueTime: '2s' });
  service.register(other, 'three', { period: '1s' });
  await clock.advance(500);
  service.drop(counterKey);
  t.deepEqual(service.timersOf(counterKey), []);
  t.notThrows(() => service.drop(keyOf('Counter', 'nobody')));
  await clock.advance(2000);
  t.deepEqual(times('one'), [0]);
  t.deepEqual(times('two'), []);
  t.deepEqual(times('three'), [0, 1000, 2000]);

  service.close();
  await clock.advance(5000);
  t.deepEqual(times('three'), [0, 1000, 2000]);
  t.is(clock.pending, 0);
  t.throws(() => service.register(counter, 'late', {}), { code: 'ERR_ACTOR_RUNTIME_CLOSED' });
  t.is(service.adopt(counter, []), 0);
});
