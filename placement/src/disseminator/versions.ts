import type { PlacementClock } from '../options.js';

/**
 * Table versions, one sequence for every namespace. A version is the later of "one more than
 * the last" and the wall clock in milliseconds, and never below a version a sidecar reports it
 * committed: so versions only grow, and a placement that restarted (its counter lost) still
 * issues versions above every one its predecessor sent, as long as it issues fewer than one per
 * millisecond on average, or a sidecar tells it the last one.
 */
export class VersionIssuer {
  #last = 0;

  constructor(private readonly clock: PlacementClock) {}

  /** A version a sidecar reported (its last committed table); the next one must exceed it. */
  observe(version: number): void {
    if (version > this.#last) this.#last = version;
  }

  next(): number {
    this.#last = Math.max(this.#last + 1, Math.floor(this.clock.now()));
    return this.#last;
  }
}
