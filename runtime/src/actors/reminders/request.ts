/**
 * The reminder create request (notes §3.1): `{dueTime?, period?, ttl?, data?, overwrite?}`, with
 * daprd's answers for a body it cannot decode (400 ERR_MALFORMED_REQUEST) and for names and
 * actors it refuses. The schedule strings are parsed later, by the durations module.
 */
import { apiErrors } from '../../errors/index.js';
import type { ScheduleInput } from '../../durations/index.js';
import type { ActorRef } from '../keys.js';

export interface ReminderRequest {
  readonly schedule: ScheduleInput;
  /** Whether the body had `data`; `null` is data too, as in Dapr. */
  readonly hasData: boolean;
  readonly data: unknown;
  /** Defaults to true; false refuses to replace an existing reminder (409). */
  readonly overwrite: boolean;
}

const STRING_FIELDS = ['dueTime', 'period', 'ttl'] as const;

/**
 * Dapr decodes the body into a struct, so anything but a JSON object, and a field of the wrong
 * type, is a malformed request; an empty body too (Go's decoder reports EOF). `failure_policy`
 * is accepted and ignored: retries follow this runtime's own policy (docs/actors-reminders.md).
 */
export function parseReminderRequest(body: unknown): ReminderRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw apiErrors.malformedRequest(body === undefined ? 'the body is empty' : 'the body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  for (const field of STRING_FIELDS) {
    const value = fields[field];
    if (value !== undefined && value !== null && typeof value !== 'string') throw apiErrors.malformedRequest(`${field} must be a string`);
  }
  const overwrite = fields['overwrite'];
  if (overwrite !== undefined && overwrite !== null && typeof overwrite !== 'boolean') throw apiErrors.malformedRequest('overwrite must be a boolean');
  return {
    schedule: { dueTime: fields['dueTime'] as string | null, period: fields['period'] as string | null, ttl: fields['ttl'] as string | null },
    hasData: fields['data'] !== undefined,
    data: fields['data'],
    overwrite: overwrite !== false,
  };
}

/** Dapr's name rules (`pkg/messaging/method/normalize.go`): no `# ? / \`, NUL or control characters, not `.` or `..`. */
export function checkReminderName(name: string): void {
  // eslint-disable-next-line no-control-regex
  if (name === '' || name === '.' || name === '..' || /[#?/\\\u0000-\u001f\u007f]/.test(name)) {
    throw apiErrors.badRequest(`invalid reminder name ${JSON.stringify(name)}: it must not be empty, '.' or '..', nor contain # ? / \\ or control characters`);
  }
}

/** `||` separates key parts in every store, so an actor type or id holding it could reach another's keys. */
export function checkActor(actor: ActorRef): void {
  if (actor.type === '' || actor.id === '' || actor.type.includes('||') || actor.id.includes('||')) {
    throw apiErrors.badRequest(`actor type and id must be non-empty and cannot contain '||': ${actor.type}/${actor.id}`);
  }
}
