/**
 * What a timer is, apart from its progress: the parsed schedule, the callback name, the data, and
 * the callback body the app receives on every fire (notes §6), built once. It comes either from a
 * create request (notes §3.1), checked field by field, or from a handed-off TimerState.
 */
import { apiErrors } from '../../errors/index.js';
import { parsePeriod, parseSchedule, ScheduleError, type Schedule } from '../../durations/index.js';
import type { TimerState } from './state.js';

export interface TimerSpec {
  readonly schedule: Schedule;
  readonly callback: string;
  /** The request's `data` as JSON text; undefined when it had none. */
  readonly data: Buffer | undefined;
  /** `{"data"?:…,"callback":…,"dueTime":…,"period":…}`, the same on every fire. */
  readonly payload: Buffer;
}

const TEXT_FIELDS = ['dueTime', 'period', 'ttl', 'callback'] as const;
type TextField = (typeof TEXT_FIELDS)[number];

/**
 * Checks a create request's body and parses its schedule against `now`. Any fault is a 500
 * ERR_ACTOR_TIMER_CREATE naming the field, as Dapr answers. An empty body is a timer with no
 * fields: due at once, firing once. Unknown fields are ignored, as Go's JSON decoding does.
 */
export function parseTimerRequest(body: unknown, now: number): TimerSpec {
  const fields = bodyFields(body);
  const text = Object.fromEntries(TEXT_FIELDS.map((field) => [field, textField(fields, field)])) as Record<TextField, string>;
  const schedule = parseOrRefuse(() => parseSchedule(text, now));
  const data = fields['data'] === undefined ? undefined : Buffer.from(JSON.stringify(fields['data']));
  return specOf(schedule, text.callback, data);
}

/**
 * Rebuilds a handed-off timer. Its instants are absolute, so nothing is re-parsed against this
 * sidecar's "now"; only the period (pure text) is parsed again. Throws if the state is corrupt.
 */
export function specFromState(state: TimerState): TimerSpec {
  const period = parsePeriod(state.text.period);
  if (state.data !== undefined) JSON.parse(state.data.toString('utf8'));
  const schedule: Schedule = { dueAt: state.dueAt, period, expiresAt: state.expiresAt, text: state.text };
  return specOf(schedule, state.callback, state.data);
}

function specOf(schedule: Schedule, callback: string, data: Buffer | undefined): TimerSpec {
  return { schedule, callback, data, payload: payloadOf(schedule, callback, data) };
}

/**
 * The body of `PUT /actors/{type}/{id}/method/timer/{name}` (notes §6), with dueTime and period
 * echoed as written and `data` spliced in as it is stored, so it reaches the app unchanged.
 */
function payloadOf(schedule: Schedule, callback: string, data: Buffer | undefined): Buffer {
  const { dueTime, period } = schedule.text;
  const rest = `"callback":${JSON.stringify(callback)},"dueTime":${JSON.stringify(dueTime)},"period":${JSON.stringify(period)}}`;
  return Buffer.from(data === undefined ? `{${rest}` : `{"data":${data.toString('utf8')},${rest}`);
}

function bodyFields(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw apiErrors.actorTimerCreate(`the request body must be a JSON object, got ${kindOf(body)}`);
  }
  return body as Record<string, unknown>;
}

/** Null and missing both mean empty, as in Dapr's request structs. */
function textField(fields: Record<string, unknown>, field: TextField): string {
  const value = fields[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw apiErrors.actorTimerCreate(`invalid ${field}: expected a string, got ${kindOf(value)}`);
  return value;
}

function parseOrRefuse(parse: () => Schedule): Schedule {
  try {
    return parse();
  } catch (err) {
    // ScheduleError's message already names the field and the value ("invalid period \"R0/PT1S\": …").
    if (err instanceof ScheduleError) throw apiErrors.actorTimerCreate(err.message);
    throw err;
  }
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
