/**
 * bench/timers — timer fire skew: how late an actor timer's callback starts against when it was
 * due, with many timers armed at once, next to a bare `setTimeout` with the same due times in the
 * same run (the floor: the event loop's own lateness). In process: the timer service with the
 * system clock and a fire function that only records the time.
 */
import { pino } from 'pino';
import { createTimerService, systemTimerClock } from '../runtime/src/actors/timers/index.js';
import type { Benchmark } from './lib/benchmark.js';
import { envInt } from './lib/settings.js';
import { Samples, type Summary } from './lib/stats.js';
import { format, printTable } from './lib/table.js';

export const benchmark: Benchmark = {
  name: 'timers',
  description: 'actor timer fire skew with many timers armed, against bare setTimeout',
  run: runTimerBench,
};

async function runTimerBench(signal: AbortSignal): Promise<void> {
  const count = envInt('BENCH_TIMERS', 10_000);
  const spreadMs = envInt('BENCH_TIMER_SPREAD_MS', 2_000);
  const bare = await skewOfBareTimeouts(count, spreadMs, signal);
  const actors = await skewOfActorTimers(count, spreadMs, signal);
  console.log(`${count} one-shot timers due over ${spreadMs} ms, skew = fire start − due time`);
  printTable(
    [
      { header: 'path', align: 'left' },
      { header: 'p50 ms', align: 'right' },
      { header: 'p99 ms', align: 'right' },
      { header: 'max ms', align: 'right' },
    ],
    [
      ['bare setTimeout', format.ms(bare.p50Ms), format.ms(bare.p99Ms), format.ms(bare.maxMs)],
      ['actor timers', format.ms(actors.p50Ms), format.ms(actors.p99Ms), format.ms(actors.maxMs)],
    ],
  );
}

function dueTimes(count: number, spreadMs: number): number[] {
  const start = Date.now() + 200;
  return Array.from({ length: count }, (_, i) => start + Math.floor((i * spreadMs) / count));
}

async function skewOfBareTimeouts(count: number, spreadMs: number, signal: AbortSignal): Promise<Summary> {
  const samples = new Samples();
  await Promise.all(
    dueTimes(count, spreadMs).map(
      (due) => new Promise<void>((resolve) => setTimeout(() => (samples.record(BigInt(Math.round((Date.now() - due) * 1e6))), resolve()), due - Date.now())),
    ),
  );
  signal.throwIfAborted();
  return samples.summary();
}

async function skewOfActorTimers(count: number, spreadMs: number, signal: AbortSignal): Promise<Summary> {
  const samples = new Samples();
  const due = dueTimes(count, spreadMs);
  let fired = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const timers = createTimerService({
    clock: systemTimerClock,
    logger: pino({ level: 'silent' }),
    fire: async (actor) => {
      samples.record(BigInt(Math.round((Date.now() - due[Number(actor.id)]!) * 1e6)));
      if (++fired === count) done();
    },
  });
  // The system timer clock unrefs its timers (a sidecar must be able to exit); keep this alive.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    due.forEach((at, i) => timers.register({ type: 'Bench', id: String(i) }, 't', { dueTime: new Date(at).toISOString() }));
    await all;
    signal.throwIfAborted();
    return samples.summary();
  } finally {
    clearInterval(keepAlive);
    timers.close();
  }
}
