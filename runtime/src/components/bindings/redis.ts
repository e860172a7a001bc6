/**
 * `bindings.redis`, output: plain Redis strings, as Dapr's binding writes them. Operations
 * `create` (SET; `ttlInSeconds` request metadata → EXPIRE), `get` (`delete: "true"` → GETDEL),
 * `delete` and `increment` (INCR), each on the `key` request metadata. While Redis is away,
 * calls fail at once (no offline queue) and the client reconnects in the background.
 */
import { Redis } from 'ioredis';
import type { OutputBinding, OutputRequest, OutputResponse } from '../../bindings/index.js';
import { ComponentMetadataError } from '../errors.js';
import type { ComponentMetadata } from '../metadata.js';
import { defineBinding } from './definition.js';
import { requestTtlSeconds } from './request-metadata.js';

const OPERATIONS = ['create', 'get', 'delete', 'increment'] as const;

class RedisOutput implements OutputBinding {
  readonly operations = OPERATIONS;
  #lastError: string | undefined;

  constructor(
    private readonly client: Redis,
    private readonly address: string,
  ) {
    client.on('error', (err: Error) => (this.#lastError = err.message));
    client.on('ready', () => (this.#lastError = undefined));
  }

  async invoke(request: OutputRequest): Promise<OutputResponse | undefined> {
    const key = request.metadata['key'];
    if (!key) throw new Error('redis binding: missing key in request metadata');
    try {
      return await this.#run(request, key);
    } catch (err) {
      if (err instanceof Error && err.name === 'ReplyError') throw new Error(`redis binding: ${err.message}`);
      throw new Error(`redis binding: redis ${this.address} is unreachable: ${this.#lastError ?? (err as Error).message}`);
    }
  }

  async #run(request: OutputRequest, key: string): Promise<OutputResponse | undefined> {
    switch (request.operation) {
      case 'get': {
        const data = request.metadata['delete'] === 'true' ? await this.client.getdelBuffer(key) : await this.client.getBuffer(key);
        return { data: data ?? Buffer.alloc(0) };
      }
      case 'delete':
        await this.client.del(key);
        return undefined;
      case 'create':
        await this.client.set(key, request.data);
        break;
      default:
        await this.client.incr(key);
    }
    const ttl = requestTtlSeconds(request.metadata);
    if (ttl !== undefined) await this.client.expire(key, ttl);
    return undefined;
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

function clientOf(metadata: ComponentMetadata): { client: Redis; address: string } {
  const address = metadata.required('redisHost');
  const url = URL.canParse(`redis://${address}`) ? new URL(`redis://${address}`) : undefined;
  if (!url || url.pathname !== '' || url.username !== '') throw new ComponentMetadataError('redisHost', `must be host:port, got "${address}"`);
  const password = metadata.string('redisPassword');
  const username = metadata.string('redisUsername');
  const maxRetryBackoffMs = metadata.durationMs('maxRetryBackoff', 2_000);
  const client = new Redis({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 6379),
    db: metadata.int('redisDB', 0, { min: 0 }),
    ...(password === undefined ? {} : { password }),
    ...(username === undefined ? {} : { username }),
    ...(metadata.bool('enableTLS', false) ? { tls: {} } : {}),
    lazyConnect: true,
    connectTimeout: metadata.durationMs('dialTimeout', 5_000),
    commandTimeout: metadata.durationMs('readTimeout', 3_000) || undefined,
    // A binding call is not replayed later: while Redis is away it fails at once.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxRetryBackoffMs),
    connectionName: 'outrigger-binding',
  });
  return { client, address };
}

export const redisBinding = defineBinding({
  type: 'bindings.redis',
  async output(metadata) {
    const { client, address } = clientOf(metadata);
    let reason: Error | undefined;
    const remember = (err: Error) => (reason = err);
    client.on('error', remember);
    try {
      await client.connect();
    } catch (err) {
      client.disconnect();
      throw new Error(`redis binding: error connecting to redis at ${address}: ${(reason ?? (err as Error)).message}`);
    }
    client.off('error', remember);
    return new RedisOutput(client, address);
  },
});
