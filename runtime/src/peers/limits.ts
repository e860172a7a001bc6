/**
 * The limits of peer links, each a named option with a default: message size, how long to
 * wait for a connection and its hello, keep-alive, and write batching.
 */
import { DEFAULT_MAX_MESSAGE_BYTES } from '@outrigger/placement';

/** Every limit of a peer link, each with a default; both ends of a link should agree. */
export interface PeerLimits {
  /** Largest websocket message (one message or a batch) this side sends or accepts. */
  readonly maxMessageBytes: number;
  /** Longest wait, on the calling side, for the connection and the peer's hello. */
  readonly connectTimeoutMs: number;
  /** Longest wait, on the serving side, for a new connection's hello. */
  readonly helloTimeoutMs: number;
  /** How often the calling side pings its link; a ping still unanswered at the next one ends the link. */
  readonly keepAliveIntervalMs: number;
  /**
   * Queue the writes of one event-loop turn and send them as one websocket message. Only
   * turned off to measure what batching buys.
   */
  readonly batchWrites: boolean;
}

export const PEER_LIMIT_DEFAULTS: PeerLimits = {
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  connectTimeoutMs: 5_000,
  helloTimeoutMs: 5_000,
  keepAliveIntervalMs: 15_000,
  batchWrites: true,
};

/** The defaults overlaid with `given`; a non-positive or fractional number is a TypeError. */
export function resolveLimits(given: Partial<PeerLimits>): PeerLimits {
  const limits = { ...PEER_LIMIT_DEFAULTS, ...stripUndefined(given) };
  for (const name of ['maxMessageBytes', 'connectTimeoutMs', 'helloTimeoutMs', 'keepAliveIntervalMs'] as const) {
    const value = limits[name];
    if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, got ${value}`);
  }
  return limits;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
