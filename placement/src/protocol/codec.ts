import { Packr } from 'msgpackr';
import { ProtocolError } from './errors.js';
import { isTraceparent, MAX_TRACESTATE_LENGTH } from './trace-context.js';
import { PROTOCOL_VERSION, type HostRecord, type HttpCall, type ReceivedBy, type Receiver } from './messages.js';

/** Plain msgpack maps (no msgpackr records), so any msgpack reader can follow the wire. */
const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export function encode(message: ReceivedBy[Receiver] | readonly ReceivedBy[Receiver][]): Buffer {
  return packr.pack(message);
}

/**
 * Reads one message as `receiver` accepts it, or a batch (an array of messages, which peer links
 * send to write many per tick). Size first, then msgpack, then every field; anything else is a
 * ProtocolError with a stable code.
 */
export function decode<R extends Receiver>(bytes: Uint8Array, receiver: R, maxBytes = DEFAULT_MAX_MESSAGE_BYTES): ReceivedBy[R][] {
  if (bytes.byteLength > maxBytes) throw new ProtocolError('PROTO_TOO_LARGE', `message of ${bytes.byteLength} bytes exceeds the limit of ${maxBytes}`);
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch (err) {
    throw new ProtocolError('PROTO_MALFORMED', `not msgpack: ${(err as Error).message}`);
  }
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0) throw new ProtocolError('PROTO_MALFORMED', 'an empty batch');
  return items.map((item) => validate(item, receiver));
}

function validate<R extends Receiver>(raw: unknown, receiver: R): ReceivedBy[R] {
  const m = record(raw, 'message');
  if (m['v'] !== PROTOCOL_VERSION) {
    throw new ProtocolError('PROTO_VERSION_MISMATCH', `protocol version ${String(m['v'])} is not supported (this side speaks ${PROTOCOL_VERSION})`);
  }
  const kind = m['kind'];
  const check = VALIDATORS[receiver][String(kind)];
  if (!check) throw new ProtocolError('PROTO_UNKNOWN_KIND', `unknown message kind ${JSON.stringify(kind)} for the ${receiver}`);
  check(m);
  return m as unknown as ReceivedBy[R];
}

type Validator = (m: Record<string, unknown>) => void;

const VALIDATORS: Record<Receiver, Record<string, Validator>> = {
  placement: {
    register: (m) => {
      hostRecord(m['host'], 'host');
      if (m['lastTable'] !== undefined) {
        const last = record(m['lastTable'], 'lastTable');
        version(last['version'], 'lastTable.version');
        stringList(last['hostIds'], 'lastTable.hostIds');
      }
    },
    ack: (m) => {
      oneOf(m['phase'], ['prepare', 'commit'], 'phase');
      version(m['version'], 'version');
    },
  },
  sidecar: {
    prepare: (m) => {
      version(m['version'], 'version');
      integer(m['replicationFactor'], 'replicationFactor', 1, 10_000);
      list(m['members'], 'members').forEach((h, i) => hostRecord(h, `members[${i}]`));
    },
    commit: (m) => version(m['version'], 'version'),
    refused: (m) => {
      text(m['code'], 'code');
      string(m['reason'], 'reason');
    },
  },
  peer: {
    hello: (m) => {
      text(m['hostId'], 'hostId');
      text(m['appId'], 'appId');
      string(m['namespace'], 'namespace');
    },
    invoke: (m) => {
      requestId(m['id']);
      text(m['appId'], 'appId');
      httpCall(m['call'], 'call');
      integer(m['timeoutMs'], 'timeoutMs', 1, 24 * 3_600_000);
      traceContext(m);
    },
    'actor-call': (m) => {
      requestId(m['id']);
      text(m['actorType'], 'actorType');
      text(m['actorId'], 'actorId');
      oneOf(m['callback'], ['method', 'timer', 'reminder'], 'callback');
      text(m['name'], 'name');
      httpCall(m['call'], 'call');
      if (m['chainId'] !== undefined) text(m['chainId'], 'chainId');
      stringList(m['path'], 'path');
      integer(m['timeoutMs'], 'timeoutMs', 1, 24 * 3_600_000);
      traceContext(m);
    },
    'timer-handoff': (m) => {
      requestId(m['id']);
      text(m['actorType'], 'actorType');
      text(m['actorId'], 'actorId');
      list(m['timers'], 'timers').forEach((t, i) => handedOffTimer(t, `timers[${i}]`));
      integer(m['timeoutMs'], 'timeoutMs', 1, 24 * 3_600_000);
    },
    response: (m) => {
      requestId(m['id']);
      integer(m['status'], 'status', 100, 599);
      headers(m['headers'], 'headers');
      bytes(m['body'], 'body');
    },
    failure: (m) => {
      requestId(m['id']);
      text(m['errorCode'], 'errorCode');
      integer(m['status'], 'status', 100, 599);
      string(m['message'], 'message');
    },
  },
};

function hostRecord(raw: unknown, path: string): asserts raw is HostRecord {
  const h = record(raw, path);
  text(h['hostId'], `${path}.hostId`);
  text(h['appId'], `${path}.appId`);
  string(h['namespace'], `${path}.namespace`);
  text(h['address'], `${path}.address`);
  stringList(h['actorTypes'], `${path}.actorTypes`);
}

function httpCall(raw: unknown, path: string): asserts raw is HttpCall {
  const c = record(raw, path);
  text(c['verb'], `${path}.verb`);
  string(c['path'], `${path}.path`);
  string(c['query'], `${path}.query`);
  headers(c['headers'], `${path}.headers`);
  bytes(c['body'], `${path}.body`);
}

function handedOffTimer(raw: unknown, path: string): void {
  const t = record(raw, path);
  text(t['name'], `${path}.name`);
  for (const field of ['dueTime', 'period', 'ttl', 'callback']) string(t[field], `${path}.${field}`);
  if (t['data'] !== undefined) bytes(t['data'], `${path}.data`);
  instant(t['dueAt'], `${path}.dueAt`);
  if (t['expiresAt'] !== undefined) instant(t['expiresAt'], `${path}.expiresAt`);
  instant(t['nextDueAt'], `${path}.nextDueAt`);
  integer(t['firedCount'], `${path}.firedCount`, 0, Number.MAX_SAFE_INTEGER);
}

function traceContext(m: Record<string, unknown>): void {
  const { traceparent, tracestate } = m;
  if (traceparent !== undefined && (typeof traceparent !== 'string' || !isTraceparent(traceparent))) invalid('traceparent', 'a W3C traceparent');
  if (tracestate === undefined) return;
  if (traceparent === undefined) invalid('tracestate', 'sent only with a traceparent');
  if (typeof tracestate !== 'string' || tracestate.length > MAX_TRACESTATE_LENGTH) invalid('tracestate', `a string of at most ${MAX_TRACESTATE_LENGTH} characters`);
}

/** Header values may be long or empty (cookies); the message size limit bounds them. */
function headers(raw: unknown, path: string): void {
  for (const [name, value] of Object.entries(record(raw, path))) {
    if (typeof value === 'string') continue;
    list(value, `${path}.${name}`).forEach((item, i) => string(item, `${path}.${name}[${i}]`));
  }
}

function invalid(path: string, expected: string): never {
  throw new ProtocolError('PROTO_INVALID_FIELD', `${path} must be ${expected}`);
}

function record(raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) {
    throw new ProtocolError(path === 'message' ? 'PROTO_MALFORMED' : 'PROTO_INVALID_FIELD', `${path} must be a map`);
  }
  return raw as Record<string, unknown>;
}

function string(raw: unknown, path: string): void {
  if (typeof raw !== 'string') invalid(path, 'a string');
}

function text(raw: unknown, path: string): void {
  if (typeof raw !== 'string' || raw === '' || raw.length > 1024) invalid(path, 'a non-empty string of at most 1024 characters');
}

function list(raw: unknown, path: string): unknown[] {
  if (!Array.isArray(raw)) invalid(path, 'a list');
  return raw;
}

function stringList(raw: unknown, path: string): void {
  list(raw, path).forEach((item, i) => text(item, `${path}[${i}]`));
}

function integer(raw: unknown, path: string, min: number, max: number): void {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) invalid(path, `an integer from ${min} to ${max}`);
}

function version(raw: unknown, path: string): void {
  integer(raw, path, 1, Number.MAX_SAFE_INTEGER);
}

/** Epoch milliseconds; negative ones are valid (RFC 3339 reaches back to year 0000). */
function instant(raw: unknown, path: string): void {
  integer(raw, path, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
}

function requestId(raw: unknown): void {
  integer(raw, 'id', 1, Number.MAX_SAFE_INTEGER);
}

function bytes(raw: unknown, path: string): void {
  if (!(raw instanceof Uint8Array)) invalid(path, 'bytes');
}

function oneOf(raw: unknown, allowed: readonly string[], path: string): void {
  if (typeof raw !== 'string' || !allowed.includes(raw)) invalid(path, `one of ${allowed.join(', ')}`);
}
