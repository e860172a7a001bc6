import test from 'ava';
import { createTimerService, systemTimerClock } from '../../../../runtime/src/actors/timers/index.js';
import { counter, silent } from './helpers.js';

test('on the system clock a timer fires for real, never early', async (t) => {
  const fired: number[] = [];
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const service = createTimerService({
    clock: systemTimerClock,
    logger: silent,
    fire: async () => {
      fired.push(Date.now());
      if (fired.length === 2) done();
    },
  });
  t.teardown(() => service.close());
  // The service's timers are unref'd (they must not keep a sidecar up), so hold the process open.
  const keepAlive = setTimeout(() => {}, 10_000);
  t.teardown(() => clearTimeout(keepAlive));
  const start = Date.now();
  service.register(counter, 'real', { dueTime: '20ms', period: 'R2/PT0.03S' });
  await finished;
  t.true(fired[0]! - start >= 20, `first fire after ${fired[0]! - start} ms`);
  t.true(fired[1]! - start >= 50, `second fire after ${fired[1]! - start} ms`);
});
