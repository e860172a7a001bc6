/**
 * One resolved policy and how it runs an operation: each attempt passes the circuit breakers
 * and is cut by the timeout; failed attempts are retried by the retry policy. An open circuit
 * ends the run at once (Dapr does not retry into an open breaker).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CircuitOpenError, type BreakerTicket, type CircuitBreaker } from './circuit-breaker.js';

export interface RetrySpec {
  readonly policy: 'constant' | 'exponential';
  /** The wait between retries of a constant policy. */
  readonly durationMs: number;
  /** The longest wait of an exponential policy. */
  readonly maxIntervalMs: number;
  /** -1: no limit. */
  readonly maxRetries: number;
  /** `matching.httpStatusCodes`: which failed responses are retried; absent: all of them. */
  readonly retriesStatus?: (status: number) => boolean;
}

export interface PolicyParts {
  readonly timeoutMs?: number | undefined;
  readonly retry?: RetrySpec | undefined;
  /** Every breaker must let a call through; each is told how it ended (actors' scope `both` has two). */
  readonly breakers?: readonly CircuitBreaker[];
}

/** The attempt outlived the timeout policy. */
export class PolicyTimeoutError extends Error {
  override readonly name = 'PolicyTimeoutError';
}

export interface RunOptions<T> {
  /** A result that is a failure all the same (an app's 5xx): counted and retried, the last one returned. */
  readonly isFailure?: (result: T) => boolean;
  /** A result's HTTP status, for `matching.httpStatusCodes`. */
  readonly statusOf?: (result: T) => number | undefined;
  /** Errors that are answers, not failures (an etag mismatch): never retried, counted as successes. */
  readonly isAnswer?: (err: unknown) => boolean;
  /** Stops the waits between retries (the caller is closing). */
  readonly signal?: AbortSignal | undefined;
}

export interface PolicyDeps {
  readonly wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/** Dapr's exponential back-off (cenkalti/backoff defaults): 500 ms, ×1.5, ±50% jitter. */
const EXPONENTIAL = { initialMs: 500, multiplier: 1.5, randomization: 0.5 };

type Outcome<T> = { readonly result: T; readonly failed: boolean } | { readonly error: unknown };

export class Policy {
  readonly #wait: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;

  constructor(
    readonly parts: PolicyParts,
    deps: PolicyDeps = {},
  ) {
    this.#wait = deps.wait ?? ((ms, signal) => sleep(ms, undefined, signal ? { signal } : {}));
    this.#random = deps.random ?? Math.random;
  }

  get hasRetries(): boolean {
    return this.parts.retry !== undefined && this.parts.retry.maxRetries !== 0;
  }

  /**
   * Resolves with the first successful result, or with the last failed result once retries are
   * spent; throws the last error, CircuitOpenError or PolicyTimeoutError otherwise.
   */
  async run<T>(operation: (signal: AbortSignal) => Promise<T>, options: RunOptions<T> = {}): Promise<T> {
    for (let retry = 0; ; retry++) {
      const outcome = await this.#attempt(operation, options);
      const done = 'result' in outcome ? !outcome.failed : outcome.error instanceof CircuitOpenError || options.isAnswer?.(outcome.error) === true;
      if (done || !this.#retries(outcome, retry, options) || options.signal?.aborted) return settle(outcome);
      const waited = await this.#wait(this.delayMs(retry), options.signal).then(() => true, () => false);
      if (!waited) return settle(outcome);
    }
  }

  /** The wait before retry number `retry + 1`. */
  delayMs(retry: number): number {
    const spec = this.parts.retry!;
    if (spec.policy === 'constant') return spec.durationMs;
    const base = Math.min(EXPONENTIAL.initialMs * EXPONENTIAL.multiplier ** retry, spec.maxIntervalMs);
    const jittered = base * (1 - EXPONENTIAL.randomization + 2 * EXPONENTIAL.randomization * this.#random());
    return Math.min(Math.round(jittered), spec.maxIntervalMs);
  }

  #retries<T>(outcome: Outcome<T>, retry: number, options: RunOptions<T>): boolean {
    const spec = this.parts.retry;
    if (!spec || (spec.maxRetries !== -1 && retry >= spec.maxRetries)) return false;
    const status = 'result' in outcome ? options.statusOf?.(outcome.result) : undefined;
    return status === undefined || !spec.retriesStatus || spec.retriesStatus(status);
  }

  async #attempt<T>(operation: (signal: AbortSignal) => Promise<T>, options: RunOptions<T>): Promise<Outcome<T>> {
    let tickets: BreakerTicket[];
    try {
      tickets = admitAll(this.parts.breakers ?? []);
    } catch (err) {
      return { error: err };
    }
    const outcome = await this.#timed(operation).then(
      (result): Outcome<T> => ({ result, failed: options.isFailure?.(result) === true }),
      (error: unknown): Outcome<T> => ({ error }),
    );
    const succeeded = 'result' in outcome ? !outcome.failed : options.isAnswer?.(outcome.error) === true;
    for (const ticket of tickets) ticket(succeeded ? 'succeeded' : 'failed');
    return outcome;
  }

  async #timed<T>(operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const timeoutMs = this.parts.timeoutMs;
    const controller = new AbortController();
    if (timeoutMs === undefined) return operation(controller.signal);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new PolicyTimeoutError(`timed out after ${timeoutMs}ms (resiliency timeout policy)`);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    const running = operation(controller.signal);
    running.catch(() => undefined);
    try {
      return await Promise.race([running, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Takes a ticket from every breaker, or none: a refusal hands back the ones already taken. */
function admitAll(breakers: readonly CircuitBreaker[]): BreakerTicket[] {
  const tickets: BreakerTicket[] = [];
  try {
    for (const breaker of breakers) tickets.push(breaker.admit());
  } catch (err) {
    for (const ticket of tickets) ticket('cancelled');
    throw err;
  }
  return tickets;
}

function settle<T>(outcome: Outcome<T>): T {
  if ('result' in outcome) return outcome.result;
  throw outcome.error;
}
