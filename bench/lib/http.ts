import { Pool, type Dispatcher } from 'undici';

/** A keep-alive pool to a loopback server; a request that hangs fails after 10 s, so a run always ends. */
export function keepAlivePool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
    connectTimeout: 5_000,
  });
}

/** Reads the whole body, as a client would, and throws unless the status is `expected`. */
export async function readBody(response: Dispatcher.ResponseData, expected: number, what: string): Promise<string> {
  const text = await response.body.text();
  if (response.statusCode !== expected) throw new Error(`${what}: HTTP ${response.statusCode} (expected ${expected}): ${text.slice(0, 500)}`);
  return text;
}
