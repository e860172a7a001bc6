/** Latency and throughput of one (operation, path) cell, in milliseconds and operations per second. */
export interface Summary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Completed operations over the wall time of the batches that ran them. */
  readonly opsPerSec: number;
}

const NS_PER_MS = 1e6;

/** Per-operation latencies plus the wall time they took, accumulated over several batches. */
export class Samples {
  readonly #latenciesNs: number[] = [];
  #wallNs = 0n;

  record(latencyNs: bigint): void {
    this.#latenciesNs.push(Number(latencyNs));
  }

  addWallTime(ns: bigint): void {
    this.#wallNs += ns;
  }

  summary(): Summary {
    const sorted = Float64Array.from(this.#latenciesNs).sort();
    const count = sorted.length;
    if (count === 0) throw new Error('no samples recorded');
    const sum = sorted.reduce((total, ns) => total + ns, 0);
    return {
      count,
      p50Ms: percentile(sorted, 50) / NS_PER_MS,
      p99Ms: percentile(sorted, 99) / NS_PER_MS,
      meanMs: sum / count / NS_PER_MS,
      minMs: (sorted[0] ?? 0) / NS_PER_MS,
      maxMs: (sorted[count - 1] ?? 0) / NS_PER_MS,
      opsPerSec: count / (Number(this.#wallNs) / 1e9),
    };
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}
