/**
 * Every message that crosses the wire between Outrigger processes, defined once:
 * sidecar ↔ placement (membership and table dissemination) and sidecar ↔ sidecar (requests over
 * the peer link). Each carries the protocol version `v`; `decode` validates every field.
 */

import type { TraceContextFields } from './trace-context.js';

/** Bumped on any incompatible change; peers with another version are refused. */
export const PROTOCOL_VERSION = 1;

/** One sidecar as the cluster knows it. */
export interface HostRecord {
  /** Unique per live sidecar process; also the ring's node name. */
  readonly hostId: string;
  readonly appId: string;
  readonly namespace: string;
  /** `host:port` of the sidecar's peer endpoint. */
  readonly address: string;
  /** Sorted; possibly empty (every sidecar registers, for name resolution). */
  readonly actorTypes: readonly string[];
}

// ── sidecar → placement ─────────────────────────────────────────────────────────────────────

/** First message on a placement connection; sent again when the hosted types change. */
export interface RegisterMessage {
  readonly kind: 'register';
  readonly v: number;
  readonly host: HostRecord;
  /** The table the sidecar last committed, so a restarted placement can wait for its members. */
  readonly lastTable?: { readonly version: number; readonly hostIds: readonly string[] };
}

/** Acknowledges a prepare (after draining the actors it hands away) or a commit. */
export interface AckMessage {
  readonly kind: 'ack';
  readonly v: number;
  readonly phase: 'prepare' | 'commit';
  readonly version: number;
}

export type SidecarToPlacement = RegisterMessage | AckMessage;

// ── placement → sidecar ─────────────────────────────────────────────────────────────────────

/** A new table for the sidecar's namespace: stop admitting calls to actors that move, drain, ack. */
export interface PrepareMessage {
  readonly kind: 'prepare';
  readonly v: number;
  readonly version: number;
  readonly replicationFactor: number;
  readonly members: readonly HostRecord[];
}

/** Every member acked the prepare of `version`: switch to it. */
export interface CommitMessage {
  readonly kind: 'commit';
  readonly v: number;
  readonly version: number;
}

/** Sent just before the placement closes a connection it will not serve, with the reason. */
export interface RefusedMessage {
  readonly kind: 'refused';
  readonly v: number;
  readonly code: string;
  readonly reason: string;
}

export type PlacementToSidecar = PrepareMessage | CommitMessage | RefusedMessage;

// ── sidecar ↔ sidecar (peer link) ───────────────────────────────────────────────────────────

/** First message each way on a peer link. */
export interface PeerHelloMessage {
  readonly kind: 'hello';
  readonly v: number;
  readonly hostId: string;
  readonly appId: string;
  readonly namespace: string;
}

/** An HTTP-shaped call carried to a peer: verb, path, query, headers and body as they are. */
export interface HttpCall {
  readonly verb: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Uint8Array;
}

/** Service invocation of `appId`'s app through the peer that hosts an instance of it. */
export interface InvokeRequest extends TraceContextFields {
  readonly kind: 'invoke';
  readonly v: number;
  /** Correlates the answer; unique per link and direction. */
  readonly id: number;
  readonly appId: string;
  readonly call: HttpCall;
  /** Milliseconds the caller still waits; the callee gives up after that. */
  readonly timeoutMs: number;
}

/**
 * A call to an actor, sent to the sidecar that owns it by the caller's table. The callee runs it
 * in the actor's turn; if the actor is not its own any more it answers ERR_ACTOR_MOVED and the
 * caller routes again.
 */
export interface ActorCallRequest extends TraceContextFields {
  readonly kind: 'actor-call';
  readonly v: number;
  readonly id: number;
  readonly actorType: string;
  readonly actorId: string;
  /** What the turn runs: a method, a timer's callback, or a reminder. */
  readonly callback: 'method' | 'timer' | 'reminder';
  /** The method, timer or reminder name. */
  readonly name: string;
  /** For a method, the caller's request; for a timer or reminder, the JSON body for the app. */
  readonly call: HttpCall;
  /** The chain's reentrancy id (`Dapr-Reentrancy-Id`), if it has one. */
  readonly chainId?: string;
  /** Actor keys (`type||id`) the chain already holds turns on, outermost first. */
  readonly path: readonly string[];
  readonly timeoutMs: number;
}

/** One actor timer as its old owner hands it on (the runtime's TimerState on the wire). */
export interface HandedOffTimer {
  readonly name: string;
  /** dueTime, period and ttl as the app wrote them; echoed in every callback. */
  readonly dueTime: string;
  readonly period: string;
  readonly ttl: string;
  /** The method the app's SDK calls on each fire; may be empty. */
  readonly callback: string;
  /** The create request's `data` as JSON text; absent when it had none. */
  readonly data?: Uint8Array;
  /** When the first fire was due (epoch ms); with `period` it rebuilds the schedule exactly. */
  readonly dueAt: number;
  /** After this instant (epoch ms) no fire is due; absent without a ttl. */
  readonly expiresAt?: number;
  /** The next fire's scheduled instant (epoch ms): the new owner keeps the cadence. */
  readonly nextDueAt: number;
  /** Fires so far, so `R<n>/` repetitions continue where they were. */
  readonly firedCount: number;
}

/**
 * An actor's in-memory timers, sent by the sidecar that held them to the actor's new owner after
 * a table change, so they keep firing (notes §7.6). Answered with an empty response.
 */
export interface TimerHandoffRequest {
  readonly kind: 'timer-handoff';
  readonly v: number;
  readonly id: number;
  readonly actorType: string;
  readonly actorId: string;
  readonly timers: readonly HandedOffTimer[];
  readonly timeoutMs: number;
}

export type PeerRequestMessage = InvokeRequest | ActorCallRequest | TimerHandoffRequest;

export interface PeerResponse {
  readonly kind: 'response';
  readonly v: number;
  readonly id: number;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Uint8Array;
}

/** The callee sidecar could not serve the request: a Dapr error code, status and message. */
export interface PeerFailure {
  readonly kind: 'failure';
  readonly v: number;
  readonly id: number;
  readonly errorCode: string;
  readonly status: number;
  readonly message: string;
}

export type PeerMessage = PeerHelloMessage | InvokeRequest | ActorCallRequest | TimerHandoffRequest | PeerResponse | PeerFailure;

/** Which side reads a message decides which kinds it accepts. */
export interface ReceivedBy {
  readonly placement: SidecarToPlacement;
  readonly sidecar: PlacementToSidecar;
  readonly peer: PeerMessage;
}
export type Receiver = keyof ReceivedBy;
