/**
 * `client.health`: whether the sidecar can serve this app's calls yet. It asks the outbound
 * probe (`/v1.0/healthz/outbound`), which turns ready once components are up, without
 * waiting for the app itself: an app polls it during its own start-up.
 */
import { OutriggerError, RequestTimeoutError } from '../errors.js';
import type { Transport } from './transport.js';

export interface WaitUntilReadyOptions {
  /** How long to keep trying; 60 s unless given. */
  readonly timeoutMs?: number;
  /** Pause between probes. */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

const OUTBOUND = '/v1.0/healthz/outbound';

export class HealthClient {
  constructor(private readonly transport: Transport) {}

  /** True once the sidecar answers 204; any other answer, or none, is false. */
  async isReady(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<boolean> {
    try {
      return (await this.transport.send({ ...options, method: 'GET', path: OUTBOUND })).status === 204;
    } catch (err) {
      if (err instanceof OutriggerError) return false;
      throw err;
    }
  }

  /**
   * Resolves once the sidecar is ready; rejects with RequestTimeoutError if it is not within
   * `timeoutMs`, or with the signal's reason if cancelled.
   */
  async waitUntilReady({ timeoutMs = 60_000, intervalMs = 100, signal }: WaitUntilReadyOptions = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const remaining = deadline - Date.now();
      if (await this.isReady({ timeoutMs: Math.max(remaining, 1), ...(signal ? { signal } : {}) })) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new RequestTimeoutError(`the sidecar at ${this.transport.address} was not ready within ${timeoutMs} ms`, timeoutMs);
      }
      await sleep(Math.min(intervalMs, left), signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
