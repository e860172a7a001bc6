/**
 * W3C trace context on the wire. Requests between sidecars may carry the caller's span as
 * `traceparent` (and `tracestate`); the codec checks them like any other field.
 */

/** The optional trace fields of a peer request. */
export interface TraceContextFields {
  /** W3C `traceparent` of the caller's span: `00-<trace id>-<span id>-<flags>`. */
  readonly traceparent?: string;
  /** W3C `tracestate`, passed on unchanged. */
  readonly tracestate?: string;
}

/** `version-traceid-parentid-flags`; a later version may append fields. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** W3C caps tracestate at 32 members; this bounds its length generously. */
export const MAX_TRACESTATE_LENGTH = 8192;

/** Whether `value` is a traceparent W3C allows (version ff and all-zero ids are not). */
export function isTraceparent(value: string): boolean {
  const match = TRACEPARENT.exec(value);
  if (!match || match[1] === 'ff' || (match[1] === '00' && match[5] !== undefined)) return false;
  return !/^0+$/.test(match[2]!) && !/^0+$/.test(match[3]!);
}
