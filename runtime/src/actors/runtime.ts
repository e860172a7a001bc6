/**
 * The actor runtime of one sidecar, put together: the table of active actors, the router, the
 * app target; what the HTTP API, the peer link and the placement client call into.
 */
import type { ActorCallRequest } from '@outrigger/placement';
import type { Clock } from '../clock/index.js';
import { ApiError, apiErrors } from '../errors/index.js';
import type { AppChannel, AppResponse, HeaderMap } from '../invoke/index.js';
import type { Logger } from '../logging/index.js';
import { NO_ACTOR_TELEMETRY, withTraceFields, type ActorTelemetry } from '../observability/index.js';
import type { PeerPool } from '../peers/index.js';
import type { PendingMove } from '../placement-client/index.js';
import { isPolicyError, type Resiliency } from '../resiliency/index.js';
import type { StateStore } from '../state/index.js';
import type { ActorAppConfig } from './config/index.js';
import type { ActorRef } from './keys.js';
import { createWaitForGraph } from './lock/index.js';
import { ActorRouter, type OwnerDirectory } from './router/index.js';
import { createActorStateService, type ActorStateService } from './state/index.js';
import { ActorTable } from './table/index.js';
import { createAppTarget, type ActorTarget, type MethodCall } from './target/index.js';
import { createReminderService, type ReminderService } from './reminders/index.js';
import { createTimerMover, createTimerService, systemTimerClock, type TimerClock, type TimerService } from './timers/index.js';

export interface ActorRuntimeOptions {
  readonly selfHostId: string;
  readonly appId: string;
  /** Absent without `--app-port`: the sidecar then hosts no actors but can call them. */
  readonly appChannel: AppChannel | undefined;
  readonly owners: OwnerDirectory;
  readonly peers: PeerPool;
  /** The state store marked `actorStateStore: "true"`, if any. */
  readonly stateStore: StateStore | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The longest the sidecar waits for the app to answer one actor callback. */
  readonly callTimeoutMs: number;
  readonly idleScanIntervalMs?: number;
  readonly timerClock?: TimerClock;
  /** Whether this sidecar owns an actor by the committed table; only the owner fires its reminders. */
  readonly owns?: (actor: ActorRef) => boolean;
  /** Turn spans, actor, timer and reminder metrics. */
  readonly telemetry?: ActorTelemetry;
  /** The policies of `actors` targets, for method calls made from this sidecar. */
  readonly resiliency?: Pick<Resiliency, 'actor'> | undefined;
}

export interface ActorInvocation {
  readonly actor: ActorRef;
  readonly method: string;
  readonly call: MethodCall;
  /** `Dapr-Reentrancy-Id` from the caller, if any. */
  readonly chainId: string | undefined;
}

export interface ActorRuntime {
  /** Actor state, for the app's requests during its turns. */
  readonly state: ActorStateService;
  /** Actor timers, in memory on the actor's owner; they move with it. */
  readonly timers: TimerService;
  /** Reminders, when the actor state store can keep them. */
  readonly reminders: ReminderService | undefined;
  /** Whether this sidecar hosts the actor's type. */
  canHost(actor: ActorRef): boolean;
  /** Starts hosting the app's actor types (or none). */
  host(config: ActorAppConfig): void;
  hostedTypes(): string[];
  /** A method call from the API, routed to wherever the actor lives. */
  invoke(invocation: ActorInvocation): Promise<AppResponse>;
  /** A call that another sidecar routed here. */
  serveRemote(request: ActorCallRequest, signal: AbortSignal): Promise<AppResponse>;
  /** A table change is prepared: hand away the local actors whose owner changes. */
  prepare(move: PendingMove): Promise<void>;
  activeActors(): Map<string, number>;
  /** Calls waiting for a turn, per actor type. */
  queuedCalls(): Map<string, number>;
  /** Graceful shutdown: deactivates every actor (draining each within its type's timeout). */
  close(): Promise<void>;
}

/** Without an app nothing is hosted, so the table never reaches these. */
const NO_APP: ActorTarget = {
  invokeMethod: () => Promise.reject(new Error('no app')),
  invokeTimer: () => Promise.reject(new Error('no app')),
  invokeReminder: () => Promise.reject(new Error('no app')),
  deactivate: () => Promise.resolve(),
};

export function createActorRuntime(options: ActorRuntimeOptions): ActorRuntime {
  const target = options.appChannel ? createAppTarget({ appChannel: options.appChannel, callTimeoutMs: options.callTimeoutMs }) : NO_APP;
  const telemetry = options.telemetry ?? NO_ACTOR_TELEMETRY;
  let timers: TimerService | undefined;
  const table = new ActorTable({
    target,
    clock: options.clock,
    graph: createWaitForGraph(),
    logger: options.logger,
    onActivated: (actor) => telemetry.activated(actor.ref.type),
    onDeactivated: (actor, reason) => {
      telemetry.deactivated(actor.ref.type, reason);
      timers?.drop(actor.key);
    },
    ...(options.idleScanIntervalMs !== undefined ? { idleScanIntervalMs: options.idleScanIntervalMs } : {}),
  });
  const router = new ActorRouter({ selfHostId: options.selfHostId, owners: options.owners, table, target, peers: options.peers, logger: options.logger, telemetry });
  // A margin over the app call timeout, so the app's clearer "did not answer" arrives first.
  const deadline = () => Date.now() + options.callTimeoutMs + 1000;
  timers = createTimerService({
    clock: options.timerClock ?? systemTimerClock,
    logger: options.logger.child({ component: 'timers' }),
    fire: async (actor, name, body) => {
      try {
        await router.call({ actor, callback: 'timer', name, call: { verb: 'PUT', query: '', headers: {}, body }, deadline: deadline() });
        telemetry.timerFired(actor.type, true);
      } catch (err) {
        telemetry.timerFired(actor.type, false);
        throw err;
      }
    },
  });
  const reminders = startReminders(options, router, table, telemetry);
  const mover = createTimerMover({
    timers,
    selfHostId: options.selfHostId,
    ownerOf: (actor) => options.owners.ownerOf(actor.type, actor.id),
    peers: options.peers,
    timeoutMs: options.callTimeoutMs,
    logger: options.logger,
  });

  return {
    state: createActorStateService({ appId: options.appId, store: options.stateStore, isActiveHere: (actor) => table.get(actor) !== undefined }),
    timers,
    reminders,
    canHost: (actor) => table.hosts(actor.type),
    host: (config) => table.setTypes(config.types),
    hostedTypes: () => table.hostedTypes(),
    invoke: (invocation) => invokeUnderPolicy(router, invocation, options.resiliency, deadline),
    serveRemote: (request, signal) => router.serveRemote(remoteCall(request), signal),
    async prepare(move) {
      const leaving = (actor: ActorRef) => move.moves(actor.type, actor.id) && move.to.ownerOf(actor.type, actor.id)?.hostId !== options.selfHostId;
      mover.moveAway(leaving, move.settled());
      const moved = await table.deactivateWhere((a) => leaving(a.ref), 'rebalance');
      if (moved > 0) options.logger.info({ version: move.version, actors: moved }, 'handed away actors for a table change');
    },
    activeActors: () => table.activeCounts(),
    queuedCalls: () => table.queuedCounts(),
    async close() {
      timers?.close();
      // Before the table: fires under way go back to the store, due at once for the next owner.
      await reminders?.close();
      await table.close();
    },
  };
}

/** Errors that are the actors' answer, which no retry changes. */
const ANSWERS = new Set(['ERR_ACTOR_DEADLOCK', 'ERR_ACTOR_STACK_DEPTH']);

/**
 * A method call under its actor type's policy. Each attempt is a whole routed call, which takes
 * its turn and gives it back, so a retry never runs while the turn is held; the policy's timeout
 * is the attempt's deadline, and the router's own retries of moved actors stay within it.
 */
async function invokeUnderPolicy(router: ActorRouter, invocation: ActorInvocation, resiliency: ActorRuntimeOptions['resiliency'], deadline: () => number) {
  const { actor, method, call, chainId } = invocation;
  const attempt = (until: number) => router.call({ actor, callback: 'method', name: method, call, chainId, deadline: until });
  const policy = resiliency?.actor(actor.type, actor.id);
  if (!policy) return attempt(deadline());
  const timeoutMs = policy.parts.timeoutMs;
  const until = () => (timeoutMs === undefined ? deadline() : Math.min(deadline(), Date.now() + timeoutMs));
  try {
    return await policy.run(() => attempt(until()), { isAnswer: (err) => err instanceof ApiError && ANSWERS.has(err.code) });
  } catch (err) {
    if (isPolicyError(err)) throw apiErrors.actorInvoke(`${actor.type}/${actor.id}: ${err.message}`);
    throw err;
  }
}

/** Reminders fire through the router like any turn; the app's cancel header ends them. */
function startReminders(options: ActorRuntimeOptions, router: ActorRouter, table: ActorTable, telemetry: ActorTelemetry): ReminderService | undefined {
  const storage = options.stateStore?.reminders;
  if (!storage) return undefined;
  const clock = options.timerClock ?? systemTimerClock;
  const reminders = createReminderService({
    appId: options.appId,
    storage,
    clock,
    owns: options.owns ?? (() => false),
    hostedTypes: () => table.hostedTypes(),
    // A short lease, renewed while a fire runs: a crashed owner's reminders move within seconds.
    leaseMs: 3000,
    fireTimeoutMs: options.callTimeoutMs,
    logger: options.logger.child({ component: 'reminders' }),
    fire: async (actor, name, body, { timeoutMs, scheduledAt }) => {
      const lagMs = clock.now() - scheduledAt;
      const call = { verb: 'PUT', query: '', headers: {}, body };
      const response = await router.call({ actor, callback: 'reminder', name, call, deadline: Date.now() + timeoutMs }).catch((err: unknown) => {
        telemetry.reminderFired(actor.type, lagMs, false);
        throw err;
      });
      telemetry.reminderFired(actor.type, lagMs, true);
      const cancel = response.headers['x-daprremindercancel'];
      return { cancel: String(Array.isArray(cancel) ? cancel[0] : (cancel ?? '')).toLowerCase() === 'true' };
    },
  });
  reminders.start();
  return { ...reminders, create: (actor, name, body) => reminders.create(actor, name, body).then(() => telemetry.reminderRegistered(actor.type)) };
}

function remoteCall(request: ActorCallRequest) {
  return {
    actor: { type: request.actorType, id: request.actorId },
    callback: request.callback,
    name: request.name,
    // The message's trace fields are the caller's span; they win over any header of that name.
    call: { verb: request.call.verb, query: request.call.query, headers: withTraceFields(request.call.headers as HeaderMap, request), body: Buffer.from(request.call.body) },
    chainId: request.chainId ?? '',
    path: request.path,
    deadline: Date.now() + request.timeoutMs,
  };
}
