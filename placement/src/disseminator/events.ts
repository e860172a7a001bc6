import type { CommitMessage, HostRecord, PrepareMessage, RegisterMessage } from '../protocol/index.js';

/** What the disseminator needs of a sidecar's connection: nothing about websockets. */
export interface MemberLink {
  /** Unique per connection in this process; for logs. */
  readonly id: number;
  send(message: PrepareMessage | CommitMessage): void;
  /** Closes the connection because the disseminator gave up on it. */
  evict(reason: EvictionReason): void;
  /** When the connection last showed life (a message or a pong), epoch milliseconds. */
  lastSeen(): number;
}

export type EvictionReason = 'ack timeout' | 'replaced by a new connection';

export type Phase = 'prepare' | 'commit';

export type LastTable = NonNullable<RegisterMessage['lastTable']>;

/** Events of one namespace's loop. Connections and timers only ever enqueue these. */
export type NamespaceEvent =
  | { readonly kind: 'registered'; readonly link: MemberLink; readonly host: HostRecord; readonly lastTable: LastTable | undefined }
  | { readonly kind: 'left'; readonly link: MemberLink; readonly hostId: string; readonly reason: string }
  | { readonly kind: 'acked'; readonly link: MemberLink; readonly hostId: string; readonly phase: Phase; readonly version: number }
  | { readonly kind: 'start-round' }
  | { readonly kind: 'phase-timeout'; readonly version: number; readonly phase: Phase }
  | { readonly kind: 'resync-grace-elapsed' }
  | { readonly kind: 'shutdown' };

/** A round every member acked to the end. */
export interface RoundComplete {
  readonly namespace: string;
  readonly version: number;
  /** From the first membership change that led to this round to the last commit ack. */
  readonly durationMs: number;
  /** Host ids in the committed table, sorted. */
  readonly members: readonly string[];
}

/** A member closed by the placement itself. */
export interface MemberEvicted {
  readonly namespace: string;
  readonly hostId: string;
  readonly reason: EvictionReason;
}

/** The placement's event map, for `placement.events.on(…)`. */
export interface PlacementEvents {
  'round-complete': [RoundComplete];
  'member-evicted': [MemberEvicted];
}
