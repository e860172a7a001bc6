/**
 * The app side of an actor: the four callbacks Dapr's contract defines — a method, a timer, a
 * reminder, a deactivation — made over the sidecar's AppChannel. A call that hangs times out
 * instead of wedging the actor's turn for ever.
 */
import { apiErrors } from '../../errors/index.js';
import { AppUnreachableError, forwardableHeaders, type AppChannel, type AppResponse, type HeaderMap } from '../../invoke/index.js';
import type { TraceHeaders } from '../../observability/index.js';
import type { ActorRef } from '../keys.js';

/** The app marks an error it wants passed back verbatim (a .NET SDK convention Dapr honours). */
const ERROR_RESPONSE_HEADER = 'x-daprerrorresponseheader';

export interface MethodCall {
  readonly verb: string;
  readonly query: string;
  readonly headers: HeaderMap;
  readonly body: Buffer;
}

/** The body of a timer callback (Dapr's shape). */
export interface TimerPayload {
  readonly data?: unknown;
  readonly callback: string;
  readonly dueTime: string;
  readonly period: string;
}

/** The body of a reminder callback (Dapr's shape). */
export interface ReminderPayload {
  readonly data?: unknown;
  readonly dueTime: string;
  readonly period: string;
}

/**
 * Error semantics: every method throws ApiError. An app that answers non-200 gives
 * ERR_ACTOR_INVOKE_METHOD with its body in the message — unless it set
 * X-DaprErrorResponseHeader, in which case its response is returned as is. These are the app's
 * answers and are never retried.
 */
export interface ActorTarget {
  invokeMethod(actor: ActorRef, method: string, call: MethodCall, chainId: string | undefined, signal: AbortSignal): Promise<AppResponse>;
  /**
   * Timer and reminder callbacks carry their turn's chain id too (Dapr's do not), so an actor
   * called from a reminder's turn can call back into it when reentrancy is on.
   */
  invokeTimer(actor: ActorRef, name: string, payload: Buffer, chainId: string, signal: AbortSignal, trace?: TraceHeaders): Promise<void>;
  /** Returns the app's response: its `X-DaprReminderCancel` header ends a recurring reminder. */
  invokeReminder(actor: ActorRef, name: string, payload: Buffer, chainId: string, signal: AbortSignal, trace?: TraceHeaders): Promise<AppResponse>;
  deactivate(actor: ActorRef): Promise<void>;
}

export function createAppTarget(options: { appChannel: AppChannel; callTimeoutMs: number }): ActorTarget {
  const { appChannel } = options;
  /**
   * The app channel's own timeouts (the app call timeout, for headers and then body) bound every
   * call; `signal` only ends one early, when the actor closes.
   */
  const send = async (path: string, verb: string, headers: HeaderMap, body: Buffer, query: string, signal?: AbortSignal): Promise<AppResponse> => {
    try {
      return await appChannel.call({ verb, path, query, headers, body, signal });
    } catch (err) {
      if (err instanceof AppUnreachableError) throw apiErrors.actorInvoke(err.message);
      throw err;
    }
  };
  /** `trace` is the turn's span context, which the app's callback continues. */
  const callback = async (actor: ActorRef, kind: 'timer' | 'remind', name: string, payload: Buffer, chainId: string, signal: AbortSignal, trace?: TraceHeaders) => {
    const headers = { ...JSON_HEADERS, 'dapr-reentrancy-id': chainId, ...trace };
    const response = await send(`${actorPath(actor)}/method/${kind}/${encodeURIComponent(name)}`, 'PUT', headers, payload, '', signal);
    if (response.status !== 200) throw apiErrors.actorInvoke(`the app answered ${response.status} to ${kind} ${name}: ${response.body.toString('utf8')}`);
    return response;
  };
  return {
    async invokeMethod(actor, method, call, chainId, signal) {
      const headers = { ...forwardableHeaders(call.headers, ['dapr-app-id', 'dapr-api-token']), ...(chainId ? { 'dapr-reentrancy-id': chainId } : {}) };
      const response = await send(`${actorPath(actor)}/method/${method}`, 'PUT', headers, call.body, call.query, signal);
      if (response.status === 200 || ERROR_RESPONSE_HEADER in response.headers) return response;
      throw apiErrors.actorInvoke(`the app answered ${response.status}: ${response.body.toString('utf8')}`);
    },
    invokeTimer: async (actor, name, payload, chainId, signal, trace) => void (await callback(actor, 'timer', name, payload, chainId, signal, trace)),
    invokeReminder: (actor, name, payload, chainId, signal, trace) => callback(actor, 'remind', name, payload, chainId, signal, trace),
    async deactivate(actor) {
      const response = await send(actorPath(actor), 'DELETE', {}, Buffer.alloc(0), '');
      if (response.status !== 200) throw apiErrors.actorInvoke(`the app answered ${response.status} to the deactivation of ${actor.type}/${actor.id}`);
    },
  };
}

const JSON_HEADERS: HeaderMap = { 'content-type': 'application/json' };

function actorPath(actor: ActorRef): string {
  return `actors/${encodeURIComponent(actor.type)}/${encodeURIComponent(actor.id)}`;
}
