/**
 * What Redis components share: Dapr's common Redis metadata (`redisHost`, `redisPassword`,
 * `redisUsername`, `redisDB`, `enableTLS`, `dialTimeout`, `readTimeout`, `maxRetryBackoff`),
 * and a connection with fail-fast commands while disconnected, background reconnects, and
 * errors that name the server and say whether it answered or was unreachable.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logging/index.js';
import { ComponentMetadataError } from './errors.js';
import type { ComponentMetadata } from './metadata.js';

/** How often a Redis that stays down is reported at warn level; the rest go to debug. */
const WARN_EVERY_MS = 30_000;

export interface RedisSettings {
  /** `host:port`, for messages. */
  readonly address: string;
  readonly db: number;
  readonly options: RedisOptions;
}

export function redisSettings(metadata: ComponentMetadata, connectionName: string): RedisSettings {
  const { host, port } = parseRedisHost(metadata.required('redisHost'));
  const password = metadata.string('redisPassword');
  const username = metadata.string('redisUsername');
  const readTimeoutMs = metadata.durationMs('readTimeout', 3_000);
  const maxRetryBackoffMs = metadata.durationMs('maxRetryBackoff', 2_000);
  const db = metadata.int('redisDB', 0, { min: 0 });
  return {
    address: `${host}:${port}`,
    db,
    options: {
      host,
      port,
      db,
      ...(password === undefined ? {} : { password }),
      ...(username === undefined ? {} : { username }),
      ...(metadata.bool('enableTLS', false) ? { tls: { servername: host } } : {}),
      lazyConnect: true,
      connectTimeout: metadata.durationMs('dialTimeout', 5_000),
      ...(readTimeoutMs > 0 ? { commandTimeout: readTimeoutMs } : {}),
      // Fail fast while disconnected: a lock request replayed after a reconnect could take a
      // lock its caller already gave up on.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxRetryBackoffMs),
      connectionName,
    },
  };
}

/** `redisHost`: `host:port`, `host` (port 6379) or `[v6addr]:port`. */
export function parseRedisHost(value: string): { host: string; port: number } {
  const match = /^(?:\[(?<v6>[^\]]+)\]|(?<name>[^:]+))(?::(?<port>\d+))?$/.exec(value.trim());
  const host = match?.groups?.['v6'] ?? match?.groups?.['name'];
  const port = Number(match?.groups?.['port'] ?? 6379);
  if (!host || port < 1 || port > 65535) throw new ComponentMetadataError('redisHost', `must be host:port, got "${value}"`);
  return { host, port };
}

export class RedisConnection {
  readonly client: Redis;
  readonly address: string;
  readonly #logger: Logger;
  #lastConnectionError: string | undefined;
  #lastWarnAt = 0;
  #everReady = false;

  constructor(settings: RedisSettings, logger: Logger) {
    this.address = settings.address;
    this.#logger = logger;
    this.client = new Redis(settings.options);
    this.client.on('error', (err: Error) => this.#onConnectionError(err));
    this.client.on('ready', () => this.#onReady());
  }

  /** Resolves once the first connection is ready; otherwise rejects and stops reconnecting. */
  async connect(): Promise<void> {
    try {
      await this.client.connect();
    } catch (err) {
      this.client.disconnect();
      throw this.unreachable(err);
    }
  }

  /** Runs a command; its failure becomes an error that names this server. */
  async run<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await command(this.client);
    } catch (err) {
      throw this.translate(err);
    }
  }

  translate(err: unknown): Error {
    // A reply error means Redis answered (wrong type, no permission, …); anything else means it did not.
    if (err instanceof Error && err.name === 'ReplyError') return new Error(`redis ${this.address}: ${err.message}`, { cause: err });
    return this.unreachable(err);
  }

  unreachable(err: unknown): Error {
    const reason = this.#lastConnectionError ?? (err instanceof Error ? err.message : String(err));
    return new Error(`redis ${this.address} is unreachable: ${reason}`, { cause: err });
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      // Not connected (or the connection died while quitting): drop it and stop reconnecting.
      this.client.disconnect();
    }
  }

  #onConnectionError(err: Error): void {
    this.#lastConnectionError = err.message;
    const now = Date.now();
    const fields = { address: this.address, err: err.message };
    // Before the first connection, connect() rejects with the reason; a warning would repeat it.
    if (!this.#everReady || now - this.#lastWarnAt < WARN_EVERY_MS) return void this.#logger.debug(fields, 'redis connection error');
    this.#lastWarnAt = now;
    this.#logger.warn(fields, 'redis connection error; reconnecting in the background');
  }

  #onReady(): void {
    if (this.#everReady && this.#lastConnectionError !== undefined) this.#logger.info({ address: this.address }, 'redis connection restored');
    this.#everReady = true;
    this.#lastConnectionError = undefined;
    this.#lastWarnAt = 0;
  }
}
