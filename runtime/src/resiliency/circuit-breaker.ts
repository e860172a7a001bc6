/**
 * A circuit breaker with gobreaker's semantics, which Dapr uses: closed, it counts results (and
 * clears the counts every `interval`, when one is set) until `trip` holds; open, it refuses
 * every call for `timeout`; half-open, it lets `maxRequests` calls through, closes when that
 * many succeed in a row and opens again at the first failure.
 */
import type { Clock } from '../clock/index.js';
import type { BreakerCounts, TripCondition } from './trip.js';

export interface CircuitBreakerSpec {
  readonly maxRequests: number;
  /** 0: counts are never cleared while closed. */
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly trip: TripCondition;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The breaker refused the call: it is open, or half-open with its trial calls all under way. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
}

/** What the caller reports when its call ends; `cancelled`: the call never ran after all. */
export type BreakerTicket = (outcome: 'succeeded' | 'failed' | 'cancelled') => void;

const ZERO: BreakerCounts = { requests: 0, totalSuccesses: 0, totalFailures: 0, consecutiveSuccesses: 0, consecutiveFailures: 0 };

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #counts: BreakerCounts = ZERO;
  /** Results of calls let through before the last state change are ignored. */
  #generation = 0;
  /** Closed: when the counts clear; open: when it turns half-open. */
  #expiry: number;

  constructor(
    private readonly spec: CircuitBreakerSpec,
    private readonly clock: Clock,
    private readonly onStateChange?: (state: BreakerState) => void,
  ) {
    this.#expiry = this.#closedExpiry();
  }

  get state(): BreakerState {
    this.#advance();
    return this.#state;
  }

  /** Lets one call through, or throws CircuitOpenError. */
  admit(): BreakerTicket {
    this.#advance();
    if (this.#state === 'open') throw new CircuitOpenError('circuit breaker is open');
    if (this.#state === 'half-open' && this.#counts.requests >= this.spec.maxRequests) throw new CircuitOpenError('too many requests');
    this.#counts = { ...this.#counts, requests: this.#counts.requests + 1 };
    const generation = this.#generation;
    return (outcome) => {
      this.#advance();
      if (generation !== this.#generation) return;
      if (outcome === 'succeeded') this.#succeeded();
      else if (outcome === 'failed') this.#failed();
      else this.#counts = { ...this.#counts, requests: this.#counts.requests - 1 };
    };
  }

  #succeeded(): void {
    const c = this.#counts;
    this.#counts = { ...c, totalSuccesses: c.totalSuccesses + 1, consecutiveSuccesses: c.consecutiveSuccesses + 1, consecutiveFailures: 0 };
    if (this.#state === 'half-open' && this.#counts.consecutiveSuccesses >= this.spec.maxRequests) this.#enter('closed');
  }

  #failed(): void {
    const c = this.#counts;
    this.#counts = { ...c, totalFailures: c.totalFailures + 1, consecutiveFailures: c.consecutiveFailures + 1, consecutiveSuccesses: 0 };
    if (this.#state === 'half-open' || this.spec.trip(this.#counts)) this.#enter('open');
  }

  /** Time-driven changes: the counts clear when closed, open turns half-open after its timeout. */
  #advance(): void {
    const now = this.clock.now();
    if (this.#state === 'closed' && this.#expiry > 0 && now >= this.#expiry) this.#newGeneration(this.#closedExpiry());
    else if (this.#state === 'open' && now >= this.#expiry) this.#enter('half-open');
  }

  #enter(state: BreakerState): void {
    this.#state = state;
    this.#newGeneration(state === 'open' ? this.clock.now() + this.spec.timeoutMs : state === 'closed' ? this.#closedExpiry() : 0);
    this.onStateChange?.(state);
  }

  #newGeneration(expiry: number): void {
    this.#generation++;
    this.#counts = ZERO;
    this.#expiry = expiry;
  }

  #closedExpiry(): number {
    return this.spec.intervalMs > 0 ? this.clock.now() + this.spec.intervalMs : 0;
  }
}
