/**
 * W3C trace context (`traceparent`, `tracestate`) as it travels between hops: in HTTP headers to
 * and from apps, and as fields of peer messages between sidecars (whose codec owns the format check).
 */
import { isTraceparent, type TraceContextFields } from '@outrigger/placement';

/** Header maps as Node, Koa and the peer protocol hold them. */
export type HeaderLike = Readonly<Record<string, string | readonly string[] | undefined>>;

export type TraceHeaders = TraceContextFields;

/** The trace id of a valid traceparent, for log lines. */
export function traceIdOf(headers: HeaderLike): string | undefined {
  const traceparent = single(headers['traceparent']);
  return traceparent && isTraceparent(traceparent) ? traceparent.slice(3, 35) : undefined;
}

/** The trace fields of a header map, for a peer message; nothing when it carries no valid trace. */
export function traceFieldsOf(headers: HeaderLike): TraceHeaders {
  const traceparent = single(headers['traceparent']);
  if (!traceparent || !isTraceparent(traceparent)) return {};
  const tracestate = single(headers['tracestate']);
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** `headers` with the trace fields of a peer message in place of any the headers carried. */
export function withTraceFields<H extends HeaderLike>(headers: H, fields: TraceHeaders): H {
  if (!fields.traceparent) return headers;
  const { traceparent: _p, tracestate: _s, ...rest } = headers;
  return { ...rest, traceparent: fields.traceparent, ...(fields.tracestate ? { tracestate: fields.tracestate } : {}) } as unknown as H;
}

export function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}
