/**
 * Routing of actor calls: the owner comes from the committed placement table (an actor moving
 * in a table change is resolved after the commit); a local actor runs in its turn here, a
 * remote one goes over the peer link to its owner. "Host gone", "moved" and "closed" are
 * retried with backoff within the call's deadline; the app's answers and deadlocks are not.
 */
import { randomUUID } from 'node:crypto';
import type { HostRecord } from '@outrigger/placement';
import { ApiError, apiErrors } from '../../errors/index.js';
import type { AppResponse, HeaderMap } from '../../invoke/index.js';
import type { Logger } from '../../logging/index.js';
import { NO_ACTOR_TELEMETRY, traceFieldsOf, traceIdOf, withTraceFields, type ActorTelemetry, type TurnObservation } from '../../observability/index.js';
import { PeerFailureError, PeerUnavailableError, type PeerPool } from '../../peers/index.js';
import type { ActorRef } from '../keys.js';
import { ActorClosedError, DeadlockError, StackDepthError, type Turn } from '../lock/index.js';
import type { ActiveActor, ActorTable } from '../table/index.js';
import type { ActorTarget, MethodCall } from '../target/index.js';
import { ChainRegistry } from './chains.js';

export interface ActorCall {
  readonly actor: ActorRef;
  readonly callback: 'method' | 'timer' | 'reminder';
  readonly name: string;
  /** For a method, the caller's request; for a timer or reminder, the JSON body for the app. */
  readonly call: MethodCall;
  /** The chain's reentrancy id; a call without one starts a new chain. */
  readonly chainId?: string | undefined;
  /** Actor keys the chain already holds; taken from the chain registry when not given. */
  readonly path?: readonly string[] | undefined;
  /** Clock-independent wall time (Date.now()) after which nobody waits for the answer. */
  readonly deadline: number;
}

/** Finds actor owners; the placement client is one. */
export interface OwnerDirectory {
  ownerOf(actorType: string, actorId: string, signal?: AbortSignal): Promise<HostRecord | undefined>;
}

export interface ActorRouterOptions {
  readonly selfHostId: string;
  readonly owners: OwnerDirectory;
  readonly table: ActorTable;
  readonly target: ActorTarget;
  readonly peers: PeerPool;
  readonly logger: Logger;
  /** How long an actor without any host is looked up again before the call fails. */
  readonly lookupPatienceMs?: number;
  /** Turn spans and metrics. */
  readonly telemetry?: ActorTelemetry;
}

const RETRYABLE_REMOTE = new Set(['ERR_ACTOR_MOVED', 'ERR_ACTOR_CLOSED']);

export class ActorRouter {
  readonly chains = new ChainRegistry();
  readonly #telemetry: ActorTelemetry;

  constructor(private readonly options: ActorRouterOptions) {
    this.#telemetry = options.telemetry ?? NO_ACTOR_TELEMETRY;
  }

  async call(request: ActorCall): Promise<AppResponse> {
    const chainId = request.chainId || randomUUID();
    const path = request.path ?? this.chains.pathOf(chainId);
    const signal = AbortSignal.timeout(Math.max(1, request.deadline - Date.now()));
    const firstMiss = { at: undefined as number | undefined };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#route({ ...request, chainId, path }, signal, firstMiss);
      } catch (err) {
        if (!retryable(err) || Date.now() + backoff(attempt) >= request.deadline) throw toApiError(err, request.actor);
        const fields = { actor: `${request.actor.type}/${request.actor.id}`, attempt, err: (err as Error).message, trace_id: traceIdOf(request.call.headers) };
        this.options.logger.debug(fields, 'retrying an actor call');
        await delay(backoff(attempt));
      }
    }
  }

  /** Runs a call that arrived from a peer; refuses it if the actor is not ours any more. */
  async serveRemote(request: ActorCall & { chainId: string; path: readonly string[] }, signal: AbortSignal): Promise<AppResponse> {
    const owner = await this.options.owners.ownerOf(request.actor.type, request.actor.id, signal);
    if (owner?.hostId !== this.options.selfHostId) throw apiErrors.actorMoved(request.actor.type, request.actor.id);
    return this.#runLocally(request as Required<ActorCall>, signal).catch((err: unknown) => {
      throw toApiError(err, request.actor);
    });
  }

  async #route(request: Required<ActorCall>, signal: AbortSignal, firstMiss: { at: number | undefined }): Promise<AppResponse> {
    const owner = await this.options.owners.ownerOf(request.actor.type, request.actor.id, signal);
    if (!owner) {
      firstMiss.at ??= Date.now();
      if (Date.now() - firstMiss.at >= (this.options.lookupPatienceMs ?? 5000)) throw apiErrors.actorNoAddress(request.actor.type, request.actor.id);
      throw new NoOwnerYet();
    }
    if (owner.hostId === this.options.selfHostId) return this.#runLocally(request, signal);
    return this.#sendTo(owner, request, signal);
  }

  /** One turn, observed from the moment it is asked for: the wait for the turn and the run. */
  async #runLocally(request: Required<ActorCall>, signal: AbortSignal): Promise<AppResponse> {
    if (!this.options.table.hosts(request.actor.type)) throw apiErrors.actorTypeNotHosted(request.actor.type);
    const { actor, callback, name, call } = request;
    const observed = this.#telemetry.turn(actor.type, actor.id, callback, name, call.headers);
    try {
      const response = await this.#takeTurn(request, signal, observed);
      observed.end();
      return response;
    } catch (err) {
      observed.end(err);
      throw err;
    }
  }

  async #takeTurn(request: Required<ActorCall>, signal: AbortSignal, observed: TurnObservation): Promise<AppResponse> {
    const { table, target } = this.options;
    const actor = await table.activate(request.actor);
    const turn = await actor.lock.acquire({ chainId: request.chainId, path: request.path, signal });
    observed.acquired();
    const leave = this.chains.enter(request.chainId, [...request.path, actor.key]);
    table.touch(actor);
    const call = { ...request.call, headers: withTraceFields(request.call.headers, observed.context) };
    // The app's call is bounded by the app timeout and the actor's closing, never by the caller:
    // a caller that stops waiting (deadline, dropped link) must not free the turn while the app
    // still runs it, or the next turn would run beside it and one of their writes would be lost.
    const running = this.#runTurn(actor, { ...request, call }, turn.signal, target).finally(() => {
      leave();
      release(turn, actor, table);
    });
    return untilAborted(running, signal);
  }

  async #runTurn(actor: ActiveActor, request: Required<ActorCall>, signal: AbortSignal, target: ActorTarget): Promise<AppResponse> {
    switch (request.callback) {
      case 'method':
        return target.invokeMethod(actor.ref, request.name, request.call, request.chainId, signal);
      case 'timer':
        await target.invokeTimer(actor.ref, request.name, request.call.body, request.chainId, signal, traceFieldsOf(request.call.headers));
        return EMPTY_OK;
      case 'reminder':
        return target.invokeReminder(actor.ref, request.name, request.call.body, request.chainId, signal, traceFieldsOf(request.call.headers));
    }
  }

  async #sendTo(owner: HostRecord, request: Required<ActorCall>, signal: AbortSignal): Promise<AppResponse> {
    const timeoutMs = Math.max(1, request.deadline - Date.now());
    signal.throwIfAborted();
    const response = await this.options.peers.request(
      owner.address,
      {
        kind: 'actor-call',
        actorType: request.actor.type,
        actorId: request.actor.id,
        callback: request.callback,
        name: request.name,
        call: { verb: request.call.verb, path: '', query: request.call.query, headers: request.call.headers, body: request.call.body },
        chainId: request.chainId,
        path: [...request.path],
        ...traceFieldsOf(request.call.headers),
      },
      timeoutMs,
    );
    return { status: response.status, headers: response.headers as HeaderMap, body: Buffer.from(response.body) };
  }
}

const EMPTY_OK: AppResponse = { status: 200, headers: {}, body: Buffer.alloc(0) };

/** No host serves the type yet (the app is still registering): look again shortly. */
class NoOwnerYet extends Error {}

function release(turn: Turn, actor: ActiveActor, table: ActorTable): void {
  turn.release();
  table.touch(actor);
}

function retryable(err: unknown): boolean {
  if (err instanceof NoOwnerYet || err instanceof ActorClosedError || err instanceof PeerUnavailableError) return true;
  if (err instanceof PeerFailureError) return RETRYABLE_REMOTE.has(err.errorCode);
  return false;
}

function toApiError(err: unknown, actor: ActorRef): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof DeadlockError) return apiErrors.actorDeadlock(err.message);
  if (err instanceof StackDepthError) return apiErrors.actorStackDepth(err.message);
  if (err instanceof ActorClosedError) return apiErrors.actorClosed(err.message);
  if (err instanceof PeerFailureError) return new ApiError(err.errorCode, err.status, err.message);
  if (err instanceof PeerUnavailableError) return apiErrors.actorInvoke(`the sidecar hosting ${actor.type}/${actor.id} is unreachable: ${err.message}`);
  if (err instanceof NoOwnerYet) return apiErrors.actorNoAddress(actor.type, actor.id);
  if (err instanceof Error && err.name === 'TimeoutError') return apiErrors.actorInvoke(`the call to ${actor.type}/${actor.id} timed out`);
  return err;
}

/** `work`'s outcome, or `signal`'s reason as soon as it aborts (`work` then runs on unobserved). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function backoff(attempt: number): number {
  return Math.min(1000, 25 * 2 ** attempt);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

