import type { HostRecord } from '../protocol/index.js';
import type { MemberLink, Phase } from './events.js';

export interface Member {
  readonly host: HostRecord;
  readonly link: MemberLink;
}

/**
 * One two-phase round: the membership it disseminates (fixed when it starts: the table every
 * member prepared is the table that commits) and who has not acked the current phase yet. An
 * ack counts only from the connection the round was sent to, so a host that reconnected cannot
 * ack for its old connection.
 */
export class Round {
  #phase: Phase = 'prepare';
  readonly #prepared: readonly HostRecord[];
  readonly #members: Map<string, Member>;
  #waiting: Map<string, MemberLink>;

  constructor(
    readonly version: number,
    /** performance.now() of the first change this round carries; for its duration. */
    readonly triggeredAt: number,
    members: ReadonlyMap<string, Member>,
  ) {
    this.#members = new Map(members);
    this.#prepared = [...this.#members.values()].map((m) => m.host);
    this.#waiting = linksOf(this.#members);
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** The members still connected: the ones the round sends to and waits for. */
  members(): Member[] {
    return [...this.#members.values()];
  }

  /**
   * The membership the round disseminates, as prepared. A host that left mid-round stays in
   * it; the follow-up round, which every change schedules, takes it out.
   */
  hosts(): readonly HostRecord[] {
    return this.#prepared;
  }

  /** Counts an ack; false when it is not one this round waits for (stale, duplicate, other link). */
  acked(hostId: string, link: MemberLink, phase: Phase, version: number): boolean {
    if (version !== this.version || phase !== this.#phase || this.#waiting.get(hostId) !== link) return false;
    this.#waiting.delete(hostId);
    return true;
  }

  /** A member gone mid-round is waited for no more. */
  forget(hostId: string, link: MemberLink): void {
    if (this.#members.get(hostId)?.link !== link) return;
    this.#members.delete(hostId);
    this.#waiting.delete(hostId);
  }

  /** Members that have not acked the current phase. */
  waiting(): Array<[string, MemberLink]> {
    return [...this.#waiting];
  }

  settled(): boolean {
    return this.#waiting.size === 0;
  }

  /** Every member prepared: from now on the round waits for commit acks. */
  toCommit(): void {
    this.#phase = 'commit';
    this.#waiting = linksOf(this.#members);
  }
}

function linksOf(members: ReadonlyMap<string, Member>): Map<string, MemberLink> {
  return new Map([...members].map(([hostId, member]) => [hostId, member.link]));
}
