import type { Redis } from 'ioredis';

export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

/** REDIS_URL (host and port only), else 127.0.0.1:6379. */
export function redisAddress(env: NodeJS.ProcessEnv = process.env): RedisAddress {
  const url = new URL(env['REDIS_URL'] || 'redis://127.0.0.1:6379');
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** `host:port` as the state.redis `redisHost` metadata wants it. */
export function redisHost({ host, port }: RedisAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Deletes every key starting with `prefix` (which must hold no glob characters); returns how many. */
export async function deleteByPrefix(client: Redis, prefix: string): Promise<number> {
  if (/[*?[\]\\]/.test(prefix)) throw new Error(`key prefix "${prefix}" holds glob characters`);
  let deleted = 0;
  let cursor = '0';
  do {
    const [nextCursor, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await client.del(...keys);
    cursor = nextCursor;
  } while (cursor !== '0');
  return deleted;
}

/** The server's version, from INFO. */
export async function redisVersion(client: Redis): Promise<string> {
  const info = await client.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}
