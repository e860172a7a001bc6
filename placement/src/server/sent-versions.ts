/**
 * The versions of one phase (prepare or commit) sent on one connection, so an ack can be told
 * apart as current, superseded, or for a version this connection never received. Only the last
 * `capacity` are remembered: an ack older than all of them is taken as superseded (benign), not
 * as a violation, since it can no longer be checked.
 */
export class SentVersions {
  readonly #recent: number[] = [];
  /** The highest version forgotten; 0 while none has been. */
  #forgottenUpTo = 0;

  constructor(private readonly capacity = 64) {}

  record(version: number): void {
    this.#recent.push(version);
    if (this.#recent.length > this.capacity) this.#forgottenUpTo = this.#recent.shift() ?? 0;
  }

  /** 'sent' | 'forgotten' (too old to check) | 'never' (a protocol violation). */
  check(version: number): 'sent' | 'forgotten' | 'never' {
    if (this.#recent.includes(version)) return 'sent';
    return version <= this.#forgottenUpTo ? 'forgotten' : 'never';
  }
}
