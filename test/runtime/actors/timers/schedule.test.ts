import test from 'ava';
import { counter, counterKey, timerHarness } from './helpers.js';

test('a one-shot timer fires once at its dueTime with the callback body Dapr sends', async (t) => {
  const { clock, service, fires } = timerHarness();
  service.register(counter, 'once', { dueTime: '5s', data: 'hello' });
  await clock.advance(4999);
  t.is(fires.length, 0, 'never early');
  await clock.advance(1);
  t.is(fires.length, 1);
  t.is(fires[0]!.at, 5000);
  t.is(fires[0]!.name, 'once');
  t.deepEqual(fires[0]!.actor, counter);
  t.is(fires[0]!.raw, '{"data":"hello","callback":"","dueTime":"5s","period":""}');
  await clock.advance(3_600_000);
  t.is(fires.length, 1);
  t.deepEqual(service.timersOf(counterKey), [], 'a spent one-shot is gone');
  t.is(clock.pending, 0);
});

test('an empty body is a timer due at once, firing once, with no data key', async (t) => {
  const { clock, service, fires } = timerHarness();
  service.register(counter, 'now', undefined);
  await clock.advance(0);
  t.is(fires.length, 1);
  t.is(fires[0]!.raw, '{"callback":"","dueTime":"","period":""}');
});

test('data of any JSON type reaches the app as JSON, null included', async (t) => {
  const { clock, service, fires } = timerHarness();
  service.register(counter, 'obj', { data: { n: 1, list: [true, null] }, callback: 'onTick' });
  service.register(counter, 'nul', { data: null });
  await clock.advance(0);
  const byName = new Map(fires.map((f) => [f.name, f.body]));
  t.deepEqual(byName.get('obj'), { data: { n: 1, list: [true, null] }, callback: 'onTick', dueTime: '', period: '' });
  t.deepEqual(byName.get('nul'), { data: null, callback: '', dueTime: '', period: '' });
});

test('a periodic timer fires every period, counted from the scheduled time not the callback end', async (t) => {
  const h = timerHarness();
  h.behaviour = () => h.clock.sleep(300); // each callback takes 300 ms
  h.service.register(counter, 'tick', { dueTime: '0s', period: '1s', callback: 'tick' });
  await h.clock.advance(3500);
  t.deepEqual(h.times(), [0, 1000, 2000, 3000]);
  t.deepEqual(h.fires[0]!.body, { callback: 'tick', dueTime: '0s', period: '1s' });
  t.is(h.running.max, 1);
});

test('R3/PT1S fires three times and is then gone', async (t) => {
  const { clock, service, fires, times } = timerHarness();
  service.register(counter, 'r3', { dueTime: '1s', period: 'R3/PT1S' });
  await clock.advance(10_000);
  t.deepEqual(times(), [1000, 2000, 3000]);
  t.is(fires[0]!.body['period'], 'R3/PT1S', 'period is echoed as written');
  t.deepEqual(service.timersOf(counterKey), []);
  t.is(clock.pending, 0);
});

test('a ttl stops a periodic timer; a fire exactly at the ttl still happens', async (t) => {
  const a = timerHarness();
  a.service.register(counter, 'ttl', { period: '1s', ttl: '2500ms' });
  await a.clock.advance(10_000);
  t.deepEqual(a.times(), [0, 1000, 2000]);
  t.deepEqual(a.service.timersOf(counterKey), []);

  const b = timerHarness();
  b.service.register(counter, 'ttl', { dueTime: '1s', period: '1s', ttl: 'PT2S' });
  await b.clock.advance(10_000);
  t.deepEqual(b.times(), [1000, 2000, 3000], 'the ttl counts from the due time');
});

test('unregister stops a timer; an unknown name is no error', async (t) => {
  const { clock, service, times } = timerHarness();
  service.register(counter, 'tick', { period: '1s' });
  await clock.advance(1500);
  service.unregister(counter, 'tick');
  await clock.advance(5000);
  t.deepEqual(times(), [0, 1000]);
  t.notThrows(() => service.unregister(counter, 'never-there'));
  t.notThrows(() => service.unregister({ type: 'Other', id: 'x' }, 'tick'));
  t.is(clock.pending, 0);
});

test('registering an existing name replaces the timer', async (t) => {
  const { clock, service, fires } = timerHarness();
  service.register(counter, 'job', { dueTime: '1s', period: '1s', data: 1 });
  await clock.advance(1500);
  service.register(counter, 'job', { dueTime: '10s', data: 2 });
  await clock.advance(20_000);
  t.deepEqual(
    fires.map((f) => [f.at, f.body['data']]),
    [
      [1000, 1],
      [11_500, 2],
    ],
  );
  t.is(clock.pending, 0);
});

test('timers of different names and actors run independently; timersOf shows their state', async (t) => {
  const { clock, service, times } = timerHarness();
  const other = { type: 'Counter', id: 'b' };
  service.register(counter, 'fast', { period: '1s', data: { x: 1 } });
  service.register(counter, 'slow', { dueTime: '3s' });
  service.register(other, 'fast', { dueTime: '500ms', period: '2s' });
  await clock.advance(3000);
  t.deepEqual(times('fast'), [0, 500, 1000, 2000, 2500, 3000]);
  t.deepEqual(times('slow'), [3000]);
  const [fast] = service.timersOf(counterKey);
  t.is(fast?.name, 'fast');
  t.is(fast?.firedCount, 4);
  t.is(fast?.nextDueAt, clock.now() + 1000);
  t.deepEqual(fast?.text, { dueTime: '', period: '1s', ttl: '' });
  t.is(fast?.data?.toString(), '{"x":1}');
  t.deepEqual(
    service.actors().map((a) => a.id).sort(),
    ['a', 'b'],
  );
});

test('a wait longer than setTimeout allows is armed in steps and fires on time', async (t) => {
  const { clock, service, times } = timerHarness();
  service.register(counter, 'later', { dueTime: '720h' });
  await clock.advance(720 * 3_600_000);
  t.deepEqual(times(), [720 * 3_600_000]);
  t.true(Math.max(...clock.requestedDelays) <= 2 ** 31 - 1);
});
