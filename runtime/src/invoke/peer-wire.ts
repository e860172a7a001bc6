/**
 * Between the peer protocol's read-only shapes and the app channel's: header maps are copied
 * (lists become mutable), bodies are wrapped as Buffers without copying the bytes.
 */
import type { HeaderMap } from './http-headers.js';

export function headersFromWire(headers: Readonly<Record<string, string | readonly string[]>>): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) out[name] = typeof value === 'string' ? value : [...value];
  return out;
}

export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
