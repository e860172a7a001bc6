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
 * `Connection`, and any in `drop` (lower-case).
 */
export function forwardableHeaders(headers: IncomingHttpHeaders | HeaderMap, drop: readonly string[] = []): HeaderMap {
  const named = String(headers['connection'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const skip = new Set([...HOP_BY_HOP, ...named, ...drop]);
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || skip.has(lower)) continue;
    out[lower] = value;
  }
  return out;
}
