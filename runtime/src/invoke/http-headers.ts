import type { IncomingHttpHeaders } from 'node:http';

/** Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-authenticate',
  'host',
  'content-length',
]);

export type HeaderMap = Record<string, string | string[]>;

/**
 * Copies the end-to-end headers of a message, dropping hop-by-hop ones, those named in
 * `Connection`, and any in `drop` (lower-case). On every invocation's path, so it allocates
 * nothing but the copy.
 */
export function forwardableHeaders(headers: IncomingHttpHeaders | HeaderMap, drop: readonly string[] = []): HeaderMap {
  const connection = headers['connection'];
  const named = connection ? String(connection).toLowerCase().split(',').map((h) => h.trim()) : undefined;
  const out: HeaderMap = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || drop.includes(lower) || named?.includes(lower)) continue;
    out[lower] = value;
  }
  return out;
}
