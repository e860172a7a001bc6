import { randomBytes } from 'node:crypto';

/** A name no other test run uses: app ids, key prefixes, table names. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The Redis the tests use; REDIS_URL overrides 127.0.0.1:6379. */
export function redisAddress(): { host: string; port: number } {
  const url = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  return { host: url.hostname, port: Number(url.port || 6379) };
}
