/**
 * Invocation of another app: its instances come from the AppDirectory (the placement table),
 * one is chosen round-robin per app, and the call travels over a peer link to that instance's
 * sidecar. Connection-level failures (PEER_UNAVAILABLE) are retried a bounded number of times,
 * on another instance when there is one, within the call's deadline; anything else is final.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostRecord, HttpCall, PeerResponse } from '@outrigger/placement';
import { apiErrors } from '../errors/index.js';
import { traceFieldsOf } from '../observability/index.js';
import { PeerError, PeerFailureError, type PeerPool } from '../peers/index.js';
import type { AppResponse } from './app-channel.js';
import { forwardableHeaders } from './http-headers.js';
import { bufferOf, headersFromWire } from './peer-wire.js';

/** Name resolution, as invocation needs it. */
export interface AppDirectory {
  /** Every live instance of `appId` in `namespace`, in a stable order; empty when there is none. */
  instancesOf(appId: string, namespace: string): readonly HostRecord[];
}

/** The one thing invocation needs from the PeerPool. */
export type PeerCaller = Pick<PeerPool, 'request'>;

/** Retries of connection-level failures: Dapr's built-in policy retries those up to 3 times. */
export interface RetryPolicy {
  readonly retries: number;
  /** The wait before the first retry; it doubles for each next one, up to `maxDelayMs`. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, firstDelayMs: 25, maxDelayMs: 200 };

export interface RemoteInvokerOptions {
  readonly directory: AppDirectory;
  readonly peers: PeerCaller;
  /** The longest one call may take, retries included. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
}

export interface RemoteTarget {
  readonly appId: string;
  readonly namespace: string;
  /** As the caller wrote it, for error messages. */
  readonly label: string;
}

export class RemoteInvoker {
  /** Per app, the next instance's turn. */
  readonly #turns = new Map<string, number>();

  constructor(private readonly options: RemoteInvokerOptions) {}

  /** `retry` replaces the configured built-in retry for this call. */
  async invoke(target: RemoteTarget, call: HttpCall, retry = this.options.retry): Promise<AppResponse> {
    const deadline = Date.now() + this.options.timeoutMs;
    const failed = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      const instance = this.#pick(target, failed);
      try {
        const message = { kind: 'invoke', appId: target.appId, call, ...traceFieldsOf(call.headers) } as const;
        return toAppResponse(await this.options.peers.request(instance.address, message, Math.max(1, deadline - Date.now())));
      } catch (err) {
        const delay = Math.min(retry.firstDelayMs * 2 ** attempt, retry.maxDelayMs);
        const again = isTransient(err) && attempt < retry.retries && Date.now() + delay < deadline;
        if (!again) throw toApiError(err, target);
        failed.add(instance.address);
        await sleep(delay);
      }
    }
  }

  /** The next instance in turn, skipping those that already failed this call while others remain. */
  #pick(target: RemoteTarget, failed: ReadonlySet<string>): HostRecord {
    const instances = this.options.directory.instancesOf(target.appId, target.namespace);
    if (instances.length === 0) throw apiErrors.invokeFailed(target.label, `couldn't find service: ${target.appId}`);
    const untried = instances.filter((i) => !failed.has(i.address));
    const candidates = untried.length > 0 ? untried : instances;
    const key = `${target.namespace}/${target.appId}`;
    const turn = this.#turns.get(key) ?? 0;
    this.#turns.set(key, (turn + 1) % instances.length);
    return candidates[turn % candidates.length]!;
  }
}

function isTransient(err: unknown): boolean {
  return err instanceof PeerError && err.code === 'PEER_UNAVAILABLE';
}

function toApiError(err: unknown, target: RemoteTarget): unknown {
  if (err instanceof PeerFailureError) return apiErrors.invokeCalleeFailed(err.errorCode, err.status, err.message);
  if (err instanceof PeerError) return apiErrors.invokeFailed(target.label, err.message);
  return err;
}

/** A peer's headers are checked like an app's: hop-by-hop ones never reach the caller. */
function toAppResponse(response: PeerResponse): AppResponse {
  return { status: response.status, headers: forwardableHeaders(headersFromWire(response.headers)), body: bufferOf(response.body) };
}
