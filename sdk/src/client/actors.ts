/**
 * `client.actors`: Dapr's actor API (`/v1.0/actors/{type}/{id}/…`): method calls, actor state,
 * timers and reminders. Calls made inside an actor turn carry the turn's `Dapr-Reentrancy-Id`
 * (see actors/call-context.ts). Typed proxies (`client.actor<T>()`) are built on `invoke`.
 */
import { currentChain, REENTRANCY_HEADER } from '../actors/call-context.js';
import { toWireDuration, type Duration } from '../actors/durations.js';
import { decodeActorError, ERROR_RESPONSE_HEADER } from '../actors/error-body.js';
import { errorFromResponse, parseErrorBody } from '../errors.js';
import { callOptions, isSuccess, pathOf, type CallOptions, type RequestMetadata, type SidecarResponse, type Transport } from './transport.js';

export interface TimerOptions {
  /** The actor method the timer calls, with `data` as its one argument. */
  readonly callback: string;
  /** First fire after this long; at once unless given. */
  readonly dueTime?: Duration;
  /** Fires again every `period`; once unless given. */
  readonly period?: Duration;
  /** Stops after this long (counted from the first due time). */
  readonly ttl?: Duration;
  readonly data?: unknown;
}

export type ReminderOptions = Omit<TimerOptions, 'callback'>;

export type ActorStateOperation =
  | { readonly operation: 'upsert'; readonly request: { readonly key: string; readonly value: unknown; readonly metadata?: RequestMetadata } }
  | { readonly operation: 'delete'; readonly request: { readonly key: string } };

const JSON_HEADERS = { 'content-type': 'application/json' };

export class ActorsClient {
  constructor(private readonly transport: Transport) {}

  /**
   * Calls `method` with `args` (sent as a JSON array, as Dapr's JS SDK does). Resolves with
   * the decoded answer; an error the actor threw rejects as ActorError with its name and
   * message; the sidecar's own failures reject as SidecarError.
   */
  async invoke<T = unknown>(type: string, id: string, method: string, args: readonly unknown[] = [], options: CallOptions = {}): Promise<T> {
    const chain = currentChain();
    const response = await this.transport.send({
      ...callOptions(options),
      method: 'POST',
      path: `/v1.0/actors${pathOf(type, id)}/method${pathOf(method)}`,
      headers: { ...(args.length > 0 ? JSON_HEADERS : {}), ...(chain ? { [REENTRANCY_HEADER]: chain.reentrancyId } : {}) },
      ...(args.length > 0 ? { body: JSON.stringify(args) } : {}),
    });
    throwIfFailed(response, { actorType: type, actorId: id, method });
    return decodeAnswer(response) as T;
  }

  /** The stored value, or undefined when the actor has none under `key`. */
  async getState<T = unknown>(type: string, id: string, key: string, options: CallOptions = {}): Promise<T | undefined> {
    const response = await this.transport.call({ ...callOptions(options), method: 'GET', path: `/v1.0/actors${pathOf(type, id)}/state${pathOf(key)}` });
    if (response.status === 204 || response.body.length === 0) return undefined;
    return JSON.parse(response.body.toString('utf8')) as T;
  }

  /** Applies every operation or none; only the sidecar hosting the active actor accepts it. */
  async transaction(type: string, id: string, operations: readonly ActorStateOperation[], options: CallOptions = {}): Promise<void> {
    await this.transport.call({
      ...callOptions(options),
      method: 'POST',
      path: `/v1.0/actors${pathOf(type, id)}/state`,
      headers: JSON_HEADERS,
      body: JSON.stringify(operations),
    });
  }

  async registerTimer(type: string, id: string, name: string, timer: TimerOptions, options: CallOptions = {}): Promise<void> {
    await this.#schedule('timers', type, id, name, { ...scheduleBody(timer), callback: timer.callback }, options);
  }

  async unregisterTimer(type: string, id: string, name: string, options: CallOptions = {}): Promise<void> {
    await this.transport.call({ ...callOptions(options), method: 'DELETE', path: `/v1.0/actors${pathOf(type, id)}/timers${pathOf(name)}` });
  }

  async registerReminder(type: string, id: string, name: string, reminder: ReminderOptions, options: CallOptions = {}): Promise<void> {
    await this.#schedule('reminders', type, id, name, scheduleBody(reminder), options);
  }

  async unregisterReminder(type: string, id: string, name: string, options: CallOptions = {}): Promise<void> {
    await this.transport.call({ ...callOptions(options), method: 'DELETE', path: `/v1.0/actors${pathOf(type, id)}/reminders${pathOf(name)}` });
  }

  async #schedule(kind: 'timers' | 'reminders', type: string, id: string, name: string, body: object, options: CallOptions): Promise<void> {
    await this.transport.call({
      ...callOptions(options),
      method: 'POST',
      path: `/v1.0/actors${pathOf(type, id)}/${kind}${pathOf(name)}`,
      headers: JSON_HEADERS,
      body: JSON.stringify(body),
    });
  }
}

function scheduleBody({ dueTime, period, ttl, data }: ReminderOptions): Record<string, unknown> {
  return {
    dueTime: toWireDuration(dueTime ?? 0, 'dueTime'),
    ...(period !== undefined ? { period: toWireDuration(period, 'period') } : {}),
    ...(ttl !== undefined ? { ttl: toWireDuration(ttl, 'ttl') } : {}),
    ...(data !== undefined ? { data } : {}),
  };
}

/** The sidecar's error body wins; then the actor's encoded error; anything else is the sidecar's. */
function throwIfFailed(response: SidecarResponse, call: { actorType: string; actorId: string; method: string }): void {
  const flagged = ERROR_RESPONSE_HEADER in response.headers;
  if (isSuccess(response.status) && !flagged) return;
  const text = response.body.toString('utf8');
  if (!isSuccess(response.status) && parseErrorBody(response.status, text)) throw errorFromResponse(response.status, text);
  const actorError = flagged ? decodeActorError(text, call) : undefined;
  if (actorError) throw actorError;
  if (!isSuccess(response.status)) throw errorFromResponse(response.status, text);
}

/** JSON when it parses (whatever the content type: Dapr's JS SDK sends numbers as text/html), else text. */
function decodeAnswer(response: SidecarResponse): unknown {
  if (response.body.length === 0) return undefined;
  const text = response.body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
