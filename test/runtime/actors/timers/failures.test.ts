import test from 'ava';
import { counter, counterKey, timerHarness } from './helpers.js';

test('a failing fire does not stop the timer', async (t) => {
  const h = timerHarness();
  h.behaviour = (_fired, i) => (i % 2 === 0 ? Promise.reject(new Error('app answered 500')) : Promise.resolve());
  h.service.register(counter, 'flaky', { period: 'R4/PT1S' });
  await h.clock.advance(10_000);
  t.deepEqual(h.times(), [0, 1000, 2000, 3000]);
});

test('a fire that throws synchronously does not stop the timer either', async (t) => {
  const h = timerHarness();
  h.behaviour = () => {
    throw new Error('boom');
  };
  h.service.register(counter, 'sync', { period: 'R2/PT1S' });
  await h.clock.advance(5000);
  t.deepEqual(h.times(), [0, 1000]);
});

test('fires never overlap: a slow fire delays the next, which then catches up once', async (t) => {
  const h = timerHarness();
  h.behaviour = (_fired, i) => (i === 0 ? h.clock.sleep(3500) : Promise.resolve());
  h.service.register(counter, 'tick', { period: '1s' });
  await h.clock.advance(5500);
  // Slots 1000, 2000 and 3000 passed during the first fire: one catch-up (for 3000), then on the grid.
  t.deepEqual(h.times(), [0, 3500, 4000, 5000]);
  t.is(h.running.max, 1);
});

test('a callback a little late makes the next fire immediate, as in Dapr', async (t) => {
  const h = timerHarness();
  h.behaviour = (_fired, i) => (i === 0 ? h.clock.sleep(1500) : Promise.resolve());
  h.service.register(counter, 'tick', { period: '1s' });
  await h.clock.advance(3000);
  t.deepEqual(h.times(), [0, 1500, 2000, 3000]);
});

test('missed slots are not counted: R3 still delivers three callbacks after a stall', async (t) => {
  const h = timerHarness();
  h.behaviour = (_fired, i) => (i === 0 ? h.clock.sleep(3500) : Promise.resolve());
  h.service.register(counter, 'r3', { period: 'R3/PT1S' });
  await h.clock.advance(10_000);
  t.deepEqual(h.times(), [0, 3500, 4000]);
  t.deepEqual(h.service.timersOf(counterKey), []);
});

test('a stall past the ttl ends the timer after at most one catch-up within it', async (t) => {
  const h = timerHarness();
  h.behaviour = (_fired, i) => (i === 0 ? h.clock.sleep(5000) : Promise.resolve());
  h.service.register(counter, 'ttl', { period: '1s', ttl: '2500ms' });
  await h.clock.advance(10_000);
  // The latest slot within the ttl (2000) still fires once, late; nothing after it.
  t.deepEqual(h.times(), [0, 5000]);
  t.deepEqual(h.service.timersOf(counterKey), []);
});

test('calendar periods catch up once too, then keep the month grid', async (t) => {
  const h = timerHarness();
  const day = 86_400_000;
  h.behaviour = (_fired, i) => (i === 0 ? h.clock.sleep(100 * day) : Promise.resolve());
  h.service.register(counter, 'monthly', { period: 'P1M' });
  await h.clock.advance(125 * day);
  // From 2026-01-01: the fire stalls to day 100 (past Feb 1, Mar 1, Apr 1), catches up once, then May 1 (day 120).
  t.deepEqual(h.times(), [0, 100 * day, 120 * day]);
});

test('a timer unregistered while its fire runs is not re-armed', async (t) => {
  const h = timerHarness();
  h.behaviour = () => h.clock.sleep(500);
  h.service.register(counter, 'tick', { period: '1s' });
  await h.clock.advance(100);
  h.service.unregister(counter, 'tick');
  await h.clock.advance(5000);
  t.deepEqual(h.times(), [0]);
  t.is(h.clock.pending, 0);
});

test('replacing a timer while its fire runs: the old one stops, the new one runs', async (t) => {
  const h = timerHarness();
  h.behaviour = (fired) => (fired.body['data'] === 'old' ? h.clock.sleep(500) : Promise.resolve());
  h.service.register(counter, 'tick', { period: '1s', data: 'old' });
  await h.clock.advance(100);
  h.service.register(counter, 'tick', { dueTime: '2s', data: 'new' });
  await h.clock.advance(5000);
  t.deepEqual(
    h.fires.map((f) => [f.at, f.body['data']]),
    [
      [0, 'old'],
      [2100, 'new'],
    ],
  );
});
