/**
 * `state.redis`: Dapr's Redis layout, so Outrigger and daprd can share data. Each key is a hash
 * with `data` (the value bytes) and `version` (an integer etag, 1 on first write, incremented on
 * every write); TTL is Redis's own expiry. Every check-and-write is one Lua script, so it is
 * atomic on the server whatever other clients do. Actor reminders: redis-reminders.ts.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../logging/index.js';
import type { Clock } from '../../clock/index.js';
import {
  EtagInvalidError,
  EtagMismatchError,
  effectiveTtlSeconds,
  writeCondition,
  type DeleteRequest,
  type SetRequest,
  type StateFeature,
  type StateStore,
  type StoredItem,
  type TransactionOperation,
  type WriteCondition,
} from '../../state/index.js';
import type { ComponentMetadata } from '../metadata.js';
import { parseRedisHost } from '../redis-connection.js';
import type { ComponentDefinition } from '../registry.js';
import { defineReminderCommands, RedisReminderStorage } from './redis-reminders.js';

/** What the scripts reply when a check fails; the only string `#translate` looks for. */
const MISMATCH_MARKER = 'OUTRIGGER_ETAG_MISMATCH';

/**
 * Shared by the write scripts. `passes` reads the version only when a condition needs it; a
 * missing key has no version, so an etag never matches it and `absent` holds.
 */
const LUA_HELPERS = `
local function passes(key, kind, etag)
  if kind == 'none' then return true end
  local version = redis.call('HGET', key, 'version')
  if kind == 'etag' then return version == etag end
  return version == false
end
local function write(key, data, ttlMs)
  redis.call('HSET', key, 'data', data)
  redis.call('HINCRBY', key, 'version', 1)
  if ttlMs > 0 then redis.call('PEXPIRE', key, ttlMs) else redis.call('PERSIST', key) end
end
`;

/** KEYS[1]; replies {data, version, pttl} or nil, so a read is one round trip. */
const GET_LUA = `
local fields = redis.call('HMGET', KEYS[1], 'data', 'version')
if not fields[1] or not fields[2] then return false end
return {fields[1], fields[2], redis.call('PTTL', KEYS[1])}
`;

/** KEYS[1]; ARGV: condition kind, etag, data, ttl in ms (0: no expiry). */
const SET_LUA = `${LUA_HELPERS}
if not passes(KEYS[1], ARGV[1], ARGV[2]) then return redis.error_reply('${MISMATCH_MARKER}') end
write(KEYS[1], ARGV[3], tonumber(ARGV[4]))
return 1
`;

/** KEYS[1]; ARGV: condition kind, etag. */
const DELETE_LUA = `${LUA_HELPERS}
if not passes(KEYS[1], ARGV[1], ARGV[2]) then return redis.error_reply('${MISMATCH_MARKER}') end
return redis.call('DEL', KEYS[1])
`;

/**
 * KEYS: one per operation; ARGV: five per operation (operation, condition kind, etag, data,
 * ttl ms). Checks every condition before the first write, so a failure writes nothing; the
 * reply names the failing operation (1-based) after the marker.
 */
const TRANSACT_LUA = `${LUA_HELPERS}
for i = 1, #KEYS do
  local a = (i - 1) * 5
  if not passes(KEYS[i], ARGV[a + 2], ARGV[a + 3]) then
    return redis.error_reply('${MISMATCH_MARKER} ' .. i)
  end
end
for i = 1, #KEYS do
  local a = (i - 1) * 5
  if ARGV[a + 1] == 'upsert' then write(KEYS[i], ARGV[a + 4], tonumber(ARGV[a + 5]))
  else redis.call('DEL', KEYS[i]) end
end
return #KEYS
`;

type Arg = string | number | Buffer;

/** The commands `defineCommand` adds; ioredis cannot type them. */
interface ScriptCommands {
  stateGetBuffer(key: string): Promise<[Buffer, Buffer, number] | null>;
  stateSet(key: string, ...args: Arg[]): Promise<number>;
  stateDelete(key: string, ...args: Arg[]): Promise<number>;
  stateTransact(numberOfKeys: number, ...keysAndArgs: Arg[]): Promise<number>;
}

interface RedisStoreOptions {
  readonly host: string;
  readonly port: number;
  readonly defaultTtlSeconds: number | undefined;
  readonly client: RedisOptions;
}

/** How often a Redis that stays down is reported at warn level; the rest go to debug. */
const WARN_EVERY_MS = 30_000;

class RedisStateStore implements StateStore {
  readonly features: readonly StateFeature[] = ['ETAG', 'TRANSACTIONAL', 'TTL'];
  /** Actor reminders on the same connection (redis-reminders.ts has their layout). */
  readonly reminders: RedisReminderStorage;
  readonly #client: Redis & ScriptCommands;
  readonly #address: string;
  readonly #defaultTtlSeconds: number | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** Why the connection is down, for error messages; cleared when it is ready again. */
  #lastConnectionError: string | undefined;
  #lastWarnAt = 0;
  #lostAt: number | undefined;
  #everReady = false;

  constructor(options: RedisStoreOptions, clock: Clock, logger: Logger) {
    this.#address = `${options.host}:${options.port}`;
    this.#defaultTtlSeconds = options.defaultTtlSeconds;
    this.#clock = clock;
    this.#logger = logger;
    const client = new Redis(options.client);
    client.defineCommand('stateGet', { lua: GET_LUA, numberOfKeys: 1, readOnly: true });
    client.defineCommand('stateSet', { lua: SET_LUA, numberOfKeys: 1 });
    client.defineCommand('stateDelete', { lua: DELETE_LUA, numberOfKeys: 1 });
    client.defineCommand('stateTransact', { lua: TRANSACT_LUA });
    defineReminderCommands(client);
    this.#client = client as Redis & ScriptCommands;
    this.reminders = new RedisReminderStorage(client, (err) => this.#translate(err, []));
    client.on('error', (err: Error) => this.#onConnectionError(err));
    client.on('close', () => (this.#lostAt ??= Date.now()));
    client.on('ready', () => this.#onReady());
  }

  /** Resolves once the first connection is ready; otherwise rejects and stops reconnecting. */
  async connect(): Promise<void> {
    try {
      await this.#client.connect();
    } catch (err) {
      this.#client.disconnect();
      throw this.#unreachable(err);
    }
  }

  async get(key: string): Promise<StoredItem | undefined> {
    const reply = await this.#run(key, () => this.#client.stateGetBuffer(key));
    if (!reply) return undefined;
    const [value, version, pttl] = reply;
    const item = { value, etag: version.toString() };
    return pttl > 0 ? { ...item, expiresAt: this.#clock.now() + pttl } : item;
  }

  async set(request: SetRequest): Promise<void> {
    const condition = this.#condition(request, true);
    await this.#run(request.key, () =>
      this.#client.stateSet(request.key, ...conditionArgs(condition), request.value, this.#ttlMs(request)),
    );
  }

  async delete(request: DeleteRequest): Promise<void> {
    const condition = this.#condition(request, false);
    await this.#run(request.key, () => this.#client.stateDelete(request.key, ...conditionArgs(condition)));
  }

  /**
   * Every condition is checked against the state before the transaction, then the operations
   * apply in order (a later operation on the same key wins). All of it is one script, so no
   * other client sees a partial transaction.
   */
  async transact(operations: readonly TransactionOperation[]): Promise<void> {
    if (operations.length === 0) return;
    const args: Arg[] = [];
    for (const op of operations) {
      const condition = this.#condition(op.request, op.operation === 'upsert');
      const write = op.operation === 'upsert' ? [op.request.value, this.#ttlMs(op.request)] : ['', 0];
      args.push(op.operation, ...conditionArgs(condition), ...write);
    }
    const keys = operations.map((op) => op.request.key);
    await this.#run(keys, () => this.#client.stateTransact(keys.length, ...keys, ...args));
  }

  async close(): Promise<void> {
    try {
      await this.#client.quit();
    } catch {
      // Not connected (or the connection died while quitting): drop it and stop reconnecting.
      this.#client.disconnect();
    }
  }

  /** Validates the etag before anything runs: Redis etags are the integer versions. */
  #condition(request: SetRequest | DeleteRequest, isSet: boolean): WriteCondition {
    const condition = writeCondition(request, isSet);
    if (condition.kind === 'etag' && !/^\d{1,18}$/.test(condition.etag)) throw new EtagInvalidError(condition.etag);
    return condition;
  }

  #ttlMs(request: SetRequest): number {
    const ttl = effectiveTtlSeconds(request, this.#defaultTtlSeconds);
    return ttl === undefined ? 0 : Math.max(1, Math.round(ttl * 1000));
  }

  /** The one place Redis errors become store errors. */
  async #run<T>(keys: string | readonly string[], command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      throw this.#translate(err, keys);
    }
  }

  #translate(err: unknown, keys: string | readonly string[]): Error {
    const message = err instanceof Error ? err.message : String(err);
    // Found anywhere in the message: Redis versions differ in the error code they put before it.
    const mismatch = new RegExp(`${MISMATCH_MARKER}(?: (\\d+))?`).exec(message);
    if (mismatch) {
      if (typeof keys === 'string') return new EtagMismatchError(keys);
      return new EtagMismatchError(keys[Number(mismatch[1]) - 1] ?? keys[0] ?? '');
    }
    // A reply error means Redis answered (wrong type, out of memory, …); anything else means it did not.
    if (err instanceof Error && err.name === 'ReplyError') return new Error(`redis ${this.#address}: ${message}`, { cause: err });
    return this.#unreachable(err);
  }

  #unreachable(err: unknown): Error {
    const reason = this.#lastConnectionError ?? (err instanceof Error ? err.message : String(err));
    return new Error(`redis ${this.#address} is unreachable: ${reason}`, { cause: err });
  }

  #onConnectionError(err: Error): void {
    this.#lastConnectionError = err.message;
    const now = Date.now();
    const fields = { address: this.#address, err: err.message };
    // Before the first connection, create() rejects with the reason; a warning would repeat it.
    if (!this.#everReady || now - this.#lastWarnAt < WARN_EVERY_MS) return void this.#logger.debug(fields, 'redis connection error');
    this.#lastWarnAt = now;
    this.#logger.warn(fields, 'redis connection error; reconnecting in the background');
  }

  #onReady(): void {
    if (this.#lostAt !== undefined) {
      this.#logger.info({ address: this.#address, downMs: Date.now() - this.#lostAt }, 'redis connection restored');
    }
    this.#everReady = true;
    this.#lostAt = undefined;
    this.#lastConnectionError = undefined;
    this.#lastWarnAt = 0;
  }
}

function conditionArgs(condition: WriteCondition): [string, string] {
  return [condition.kind, condition.kind === 'etag' ? condition.etag : ''];
}

/** `host:port`, `host` (port 6379) or `[v6addr]:port`. */
function parseOptions(metadata: ComponentMetadata): RedisStoreOptions {
  const { host, port } = parseRedisHost(metadata.required('redisHost'));
  const dialTimeoutMs = metadata.durationMs('dialTimeout', 5_000);
  const readTimeoutMs = metadata.durationMs('readTimeout', 3_000);
  const maxRetryBackoffMs = metadata.durationMs('maxRetryBackoff', 2_000);
  const ttl = metadata.int('ttlInSeconds', 0, { min: -1 });
  const password = metadata.string('redisPassword');
  const username = metadata.string('redisUsername');
  return {
    host,
    port,
    defaultTtlSeconds: ttl > 0 ? ttl : undefined,
    client: {
      host,
      port,
      db: metadata.int('redisDB', 0, { min: 0 }),
      ...(password === undefined ? {} : { password }),
      ...(username === undefined ? {} : { username }),
      ...(metadata.bool('enableTLS', false) ? { tls: { servername: host } } : {}),
      lazyConnect: true,
      connectTimeout: dialTimeoutMs,
      ...(readTimeoutMs > 0 ? { commandTimeout: readTimeoutMs } : {}),
      // Fail fast while disconnected: no offline queue, and in-flight commands are rejected at
      // once rather than replayed on reconnect (a replayed write could apply twice, or report
      // a first-write mismatch for its own earlier success).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Auto-pipelining is left off: against a local Redis it made no measurable difference.
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxRetryBackoffMs),
      connectionName: 'outrigger-state',
    },
  };
}

export const redisStateStore: ComponentDefinition<'state'> = {
  category: 'state',
  type: 'state.redis',
  versions: ['v1'],
  async create(metadata, context) {
    const store = new RedisStateStore(parseOptions(metadata), context.clock, context.logger);
    await store.connect();
    return store;
  },
};
