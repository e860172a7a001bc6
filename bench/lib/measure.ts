import type { Samples } from './stats.js';

/** One operation; `i` numbers it within its batch (use it to pick a key). */
export type Operation = (i: number) => Promise<void>;

/**
 * Runs `op` `count` times with `concurrency` calls in flight (1: strictly one after the other),
 * timing each call with `process.hrtime.bigint()`. `into` is undefined for warm-up. Throws
 * `signal`'s reason once it aborts.
 */
export async function runBatch(op: Operation, count: number, concurrency: number, signal: AbortSignal, into?: Samples): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      signal.throwIfAborted();
      const start = process.hrtime.bigint();
      await op(i);
      into?.record(process.hrtime.bigint() - start);
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  into?.addWallTime(process.hrtime.bigint() - start);
}
