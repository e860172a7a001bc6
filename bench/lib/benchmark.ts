/** What every `bench/<name>.ts` exports as `benchmark`; `bench/run.ts` finds and runs them. */
export interface Benchmark {
  /** Matched against the filter arguments of `npm run bench -- <filter>…`. */
  readonly name: string;
  /** One line, printed before it runs. */
  readonly description: string;
  /**
   * Prints its own results; rejects only when it could not run (or was interrupted), never
   * because it was slow. Should stop soon after `signal` aborts, cleaning up as it goes.
   */
  run(signal: AbortSignal): Promise<void>;
}

export function isBenchmark(value: unknown): value is Benchmark {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Benchmark>;
  return typeof candidate.name === 'string' && typeof candidate.description === 'string' && typeof candidate.run === 'function';
}
