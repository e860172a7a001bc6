/**
 * `lock.redis`: Dapr's layout, so Outrigger and daprd contend for the same locks. A lock is a
 * string key holding its owner, with Redis's own expiry: taken with one `SET NX EX`, released
 * by a script that deletes the key only if the caller owns it — both atomic on the server.
 */
import type { LockStore, UnlockStatus } from '../../lock/index.js';
import { UnlockStatus as Status } from '../../lock/index.js';
import type { ComponentDefinition } from '../registry.js';
import { RedisConnection, redisSettings } from '../redis-connection.js';

/** KEYS[1]; ARGV[1] the owner. Replies 1 released, -1 no such lock, -2 someone else's. */
const UNLOCK_LUA = `
local owner = redis.call('GET', KEYS[1])
if owner == false then return -1 end
if owner ~= ARGV[1] then return -2 end
return redis.call('DEL', KEYS[1])
`;

const UNLOCK_REPLIES: ReadonlyMap<number, UnlockStatus> = new Map([
  [1, Status.SUCCESS],
  [-1, Status.LOCK_DOES_NOT_EXIST],
  [-2, Status.LOCK_BELONGS_TO_OTHERS],
]);

interface UnlockCommand {
  lockUnlock(key: string, owner: string): Promise<number>;
}

class RedisLockStore implements LockStore {
  readonly features: readonly string[] = [];
  readonly #connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
    connection.client.defineCommand('lockUnlock', { lua: UNLOCK_LUA, numberOfKeys: 1 });
  }

  async tryLock(resourceId: string, owner: string, expirySeconds: number): Promise<boolean> {
    const reply = await this.#connection.run((client) => client.set(resourceId, owner, 'EX', expirySeconds, 'NX'));
    return reply === 'OK';
  }

  async unlock(resourceId: string, owner: string): Promise<UnlockStatus> {
    const reply = await this.#connection.run((client) => (client as typeof client & UnlockCommand).lockUnlock(resourceId, owner));
    return UNLOCK_REPLIES.get(reply) ?? Status.INTERNAL_ERROR;
  }

  close(): Promise<void> {
    return this.#connection.close();
  }
}

export const redisLockStore: ComponentDefinition<'lock'> = {
  category: 'lock',
  type: 'lock.redis',
  versions: ['v1'],
  async create(metadata, context) {
    const connection = new RedisConnection(redisSettings(metadata, 'outrigger-lock'), context.logger);
    await connection.connect();
    return new RedisLockStore(connection);
  },
};
