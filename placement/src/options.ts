/**
 * The placement service's options: every limit and timing is named here with its default, and
 * `resolveOptions` rejects values or combinations that cannot work with a TypeError before
 * anything listens.
 */
import { DEFAULT_MAX_MESSAGE_BYTES } from './protocol/index.js';
import type { MutualTls } from './server/mtls.js';

/**
 * The log calls the placement makes. A pino Logger fits it; the placement package does not
 * depend on pino, so the runtime's logger is passed in.
 */
export interface PlacementLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Wall-clock time, injectable so tests can pin the version rule. */
export interface PlacementClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export interface PlacementOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** The address the HTTP and websocket server listens on. */
  readonly host?: string;
  /** Virtual nodes per host on every ring (Dapr's `--replicationFactor`). */
  readonly replicationFactor?: number;
  /** A connection silent this long (no pong, no message) is dropped and its host removed. */
  readonly hostTimeoutMs?: number;
  /** How long each phase of a round waits for a member's ack before evicting it. */
  readonly disseminationTimeoutMs?: number;
  /** Changes inside this window after the first are folded into one round; 0 = none. */
  readonly coalesceWindowMs?: number;
  /** A connection must send `register` this soon after it opens. */
  readonly registrationTimeoutMs?: number;
  /** After a restart, how long the first round waits for hosts that sidecars last saw. */
  readonly resyncGraceMs?: number;
  /** The largest frame accepted from a sidecar. */
  readonly maxMessageBytes?: number;
  readonly logger?: PlacementLogger;
  readonly clock?: PlacementClock;
  /**
   * Mutual TLS: serve wss only, to sidecars whose certificate the CA signed and whose SPIFFE ID
   * (in this trust domain) names the app id and namespace they register. Absent: plain ws.
   */
  readonly tls?: MutualTls | undefined;
}

export type ResolvedOptions = Required<Omit<PlacementOptions, 'tls'>> & Pick<PlacementOptions, 'tls'>;

const silentLogger: PlacementLogger = { debug() {}, info() {}, warn() {}, error() {} };

export const PLACEMENT_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  replicationFactor: 100,
  hostTimeoutMs: 3_000,
  disseminationTimeoutMs: 5_000,
  coalesceWindowMs: 0,
  registrationTimeoutMs: 5_000,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  logger: silentLogger,
  clock: { now: () => Date.now() } as PlacementClock,
} as const;

/** setTimeout fires at once for delays above 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Defaults for every option left out or undefined (so a CLI can pass an unset flag through),
 * then the checks; throws a TypeError naming the option.
 */
export function resolveOptions(options: PlacementOptions): ResolvedOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const merged = { ...PLACEMENT_DEFAULTS, ...defined } as Omit<ResolvedOptions, 'resyncGraceMs'> & { resyncGraceMs?: number };
  const resolved: ResolvedOptions = { ...merged, resyncGraceMs: merged.resyncGraceMs ?? merged.hostTimeoutMs };
  validate(resolved);
  return resolved;
}

function validate(o: ResolvedOptions): void {
  integer('port', o.port, 0, 65_535);
  if (typeof o.host !== 'string' || o.host === '') throw new TypeError('placement option host must be a non-empty string');
  // The codec refuses a prepare outside this range, so a wider one could never be disseminated.
  integer('replicationFactor', o.replicationFactor, 1, 10_000);
  // Pings go out every third of the host timeout, so it must leave at least 1 ms between them.
  integer('hostTimeoutMs', o.hostTimeoutMs, 3, MAX_TIMER_MS);
  integer('disseminationTimeoutMs', o.disseminationTimeoutMs, 1, MAX_TIMER_MS);
  integer('coalesceWindowMs', o.coalesceWindowMs, 0, MAX_TIMER_MS);
  integer('registrationTimeoutMs', o.registrationTimeoutMs, 1, MAX_TIMER_MS);
  integer('resyncGraceMs', o.resyncGraceMs, 0, MAX_TIMER_MS);
  // A register with a few actor types must fit, or no sidecar could ever join.
  integer('maxMessageBytes', o.maxMessageBytes, 1_024, 2 ** 31 - 1);
  if (o.coalesceWindowMs >= o.disseminationTimeoutMs) {
    // Holding a change back longer than a stuck member is tolerated defeats the timeout.
    throw new TypeError(`placement option coalesceWindowMs (${o.coalesceWindowMs}) must be shorter than disseminationTimeoutMs (${o.disseminationTimeoutMs})`);
  }
}

function integer(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`placement option ${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}
