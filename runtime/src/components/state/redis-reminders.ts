/**
 * The ReminderStorage of `state.redis`. Layout, per app and actor type (docs/actors-reminders.md):
 *
 * - `reminders||<app>||<type>||<id>`: a hash per actor, field `<name>` = `<revision>|<value>`.
 *   One actor's reminders sit together, so listing them is one HGETALL; nothing holds a type's.
 * - `reminders-due||<app>||<type>||<p>`: the due index of partition p (0..63), a sorted set of
 *   `<id>||<name>` scored by due time (ms; exact in a double up to 2^53).
 * - `reminders-due||<app>||<type>||partitions`: the earliest due time of each non-empty partition
 *   (member `<p>`), so an idle poll is one call per type rather than one per partition.
 *
 * Every write is one Lua script, so the record, its index entry and the summary change together
 * and a compare-and-set cannot interleave with another client's write.
 */
import type { Redis } from 'ioredis';
import {
  ReminderExistsError,
  newReminderRevision,
  reminderPartition,
  type ClaimedReminder,
  type DuePage,
  type DuePartitions,
  type ReminderClaim,
  type ReminderCompletion,
  type ReminderKey,
  type ReminderScope,
  type ReminderStorage,
  type StoredReminder,
} from '../../state/store.js';

const EXISTS_MARKER = 'OUTRIGGER_REMINDER_EXISTS';

/** Shared by the write scripts: keep the summary at the partition's head, or drop an empty one. */
const LUA_HELPERS = `
local function refresh(index, summary, partition)
  local head = redis.call('ZRANGE', index, 0, 0, 'WITHSCORES')
  if head[2] then redis.call('ZADD', summary, head[2], partition) else redis.call('ZREM', summary, partition) end
end
local function split(packed)
  local sep = string.find(packed, '|', 1, true)
  return string.sub(packed, 1, sep - 1), string.sub(packed, sep + 1)
end
`;

/** KEYS: hash, index, summary. ARGV: field, member, due, revision, value, overwrite (1/0), partition. */
const UPSERT_LUA = `${LUA_HELPERS}
if ARGV[6] == '0' and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return redis.error_reply('${EXISTS_MARKER}') end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4] .. '|' .. ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
refresh(KEYS[2], KEYS[3], ARGV[7])
return 1
`;

/** KEYS: hash, index, summary. ARGV: field, member, partition. */
const DELETE_LUA = `${LUA_HELPERS}
local deleted = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
refresh(KEYS[2], KEYS[3], ARGV[3])
return deleted
`;

/** KEYS: hash, index. ARGV: field, member. Replies {packed, score} or nil. */
const GET_LUA = `
local packed = redis.call('HGET', KEYS[1], ARGV[1])
if not packed then return false end
return {packed, redis.call('ZSCORE', KEYS[2], ARGV[2]) or ''}
`;

/** KEYS: hash, index. ARGV: actor id. Replies name, packed, score, name, packed, score, … */
const LIST_LUA = `
local all = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #all, 2 do
  out[#out + 1] = all[i]
  out[#out + 1] = all[i + 1]
  out[#out + 1] = redis.call('ZSCORE', KEYS[2], ARGV[1] .. '||' .. all[i]) or ''
end
return out
`;

/** KEYS: a sorted set; ARGV: now. The earliest score after now, or ''. */
const NEXT_AFTER = `(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'WITHSCORES', 'LIMIT', 0, 1)[2] or '')`;

/** KEYS: summary. ARGV: now. Replies {due partitions, next due after now or ''}. */
const DUE_PARTITIONS_LUA = `
return {redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1]), ${NEXT_AFTER}}
`;

/** KEYS: index. ARGV: now, offset, limit. Replies {member, score, …} and the next due after now or ''. */
const FETCH_DUE_LUA = `
return {redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', ARGV[2], ARGV[3]), ${NEXT_AFTER}}
`;

/**
 * The batch scripts take each key once (KEYS) and one msgpack array (ARGV[1], see packForLua) of the items: per
 * item the positions of its hash, index and summary keys, its partition and member, then the
 * operation's own fields. One argument rather than thousands keeps the command cheap to build
 * here and to parse there; a batch's items mostly share one partition's keys.
 */
const BATCH_HELPERS = `
local function item(a, at)
  local member = a[at + 4]
  local field = string.sub(member, string.find(member, '||', 1, true) + 2)
  return KEYS[a[at]], KEYS[a[at + 1]], KEYS[a[at + 2]], a[at + 3], member, field
end
`;

/** Items: lease until, count, then per claim: the item (5), expected due, new revision. Replies {revision, value} or nil per claim. */
const CLAIM_LUA = `${LUA_HELPERS}${BATCH_HELPERS}
local a = cmsgpack.unpack(ARGV[1])
local out, touched = {}, {}
for i = 1, a[2] do
  local at = 3 + (i - 1) * 7
  local hash, index, summary, partition, member, field = item(a, at)
  local score = redis.call('ZSCORE', index, member)
  local packed = score and tonumber(score) == a[at + 5] and redis.call('HGET', hash, field)
  if packed then
    local _, value = split(packed)
    redis.call('HSET', hash, field, a[at + 6] .. '|' .. value)
    redis.call('ZADD', index, a[1], member)
    touched[index] = {summary, partition}
    out[i] = {a[at + 6], value}
  else
    out[i] = false
  end
end
for index, t in pairs(touched) do refresh(index, t[1], t[2]) end
return out
`;

/**
 * Items: count, then per completion: the item (5), expected revision, next due (false deletes),
 * new revision, value. Replies 1 or 0 per completion.
 */
const COMPLETE_LUA = `${LUA_HELPERS}${BATCH_HELPERS}
local a = cmsgpack.unpack(ARGV[1])
local out, touched = {}, {}
for i = 1, a[1] do
  local at = 2 + (i - 1) * 9
  local hash, index, summary, partition, member, field = item(a, at)
  local packed = redis.call('HGET', hash, field)
  if packed and (split(packed)) == a[at + 5] then
    if not a[at + 6] then
      redis.call('HDEL', hash, field)
      redis.call('ZREM', index, member)
    else
      redis.call('HSET', hash, field, a[at + 7] .. '|' .. a[at + 8])
      redis.call('ZADD', index, a[at + 6], member)
    end
    touched[index] = {summary, partition}
    out[i] = 1
  else
    out[i] = 0
  end
end
for index, t in pairs(touched) do refresh(index, t[1], t[2]) end
return out
`;

type Arg = string | number | Buffer;
type Scored = [Buffer[], Buffer];

/** The commands `defineCommand` adds; ioredis cannot type them. */
interface ReminderCommands {
  reminderUpsert(...keysAndArgs: Arg[]): Promise<number>;
  reminderDelete(...keysAndArgs: Arg[]): Promise<number>;
  reminderGetBuffer(...keysAndArgs: Arg[]): Promise<[Buffer, Buffer] | null>;
  reminderListBuffer(...keysAndArgs: Arg[]): Promise<Buffer[]>;
  reminderDuePartitions(...keysAndArgs: Arg[]): Promise<[string[], string]>;
  reminderFetchDueBuffer(...keysAndArgs: Arg[]): Promise<Scored>;
  reminderClaimBuffer(numberOfKeys: number, ...keysAndArgs: Arg[]): Promise<([Buffer, Buffer] | null)[]>;
  reminderComplete(numberOfKeys: number, ...keysAndArgs: Arg[]): Promise<number[]>;
}

/** Adds the scripts to a client; the store calls it once, before building the storage. */
export function defineReminderCommands(client: Redis): void {
  client.defineCommand('reminderUpsert', { lua: UPSERT_LUA, numberOfKeys: 3 });
  client.defineCommand('reminderDelete', { lua: DELETE_LUA, numberOfKeys: 3 });
  client.defineCommand('reminderGet', { lua: GET_LUA, numberOfKeys: 2, readOnly: true });
  client.defineCommand('reminderList', { lua: LIST_LUA, numberOfKeys: 2, readOnly: true });
  client.defineCommand('reminderDuePartitions', { lua: DUE_PARTITIONS_LUA, numberOfKeys: 1, readOnly: true });
  client.defineCommand('reminderFetchDue', { lua: FETCH_DUE_LUA, numberOfKeys: 1, readOnly: true });
  client.defineCommand('reminderClaim', { lua: CLAIM_LUA });
  client.defineCommand('reminderComplete', { lua: COMPLETE_LUA });
}

/** The keys of one reminder and the arguments naming it inside them. */
interface Located {
  readonly keys: [hash: string, index: string, summary: string];
  readonly field: string;
  readonly member: string;
  readonly partition: string;
}

const scopePrefix = (scope: ReminderScope) => `${scope.appId}||${scope.actorType}`;
const hashKey = (scope: ReminderScope, actorId: string) => `reminders||${scopePrefix(scope)}||${actorId}`;
const indexKey = (scope: ReminderScope, partition: number | string) => `reminders-due||${scopePrefix(scope)}||${partition}`;
const summaryKey = (scope: ReminderScope) => `reminders-due||${scopePrefix(scope)}||partitions`;

function locate(key: ReminderKey): Located {
  const partition = reminderPartition(key.actorId);
  return {
    keys: [hashKey(key, key.actorId), indexKey(key, partition), summaryKey(key)],
    field: key.name,
    member: `${key.actorId}||${key.name}`,
    partition: String(partition),
  };
}

/** `<id>||<name>` back into a key; ids hold no `||`, so the first one separates. */
function keyOfMember(scope: ReminderScope, member: string): ReminderKey {
  const at = member.indexOf('||');
  return { appId: scope.appId, actorType: scope.actorType, actorId: member.slice(0, at), name: member.slice(at + 2) };
}

/** Splits `<revision>|<value>` (revisions never hold `|`). */
function unpack(packed: Buffer): { revision: string; value: Buffer } {
  const at = packed.indexOf(0x7c);
  return { revision: packed.subarray(0, at).toString('latin1'), value: Buffer.from(packed.subarray(at + 1)) };
}

type Item = string | number | boolean | Buffer;

/**
 * A flat msgpack array as Redis's bundled cmsgpack reads it. It predates msgpack's bin types, so
 * bytes go as str32 (Lua strings hold any bytes) and numbers as float64 (exact below 2^53).
 */
function packForLua(items: readonly Item[]): Buffer {
  let size = 5;
  for (const item of items) size += typeof item === 'boolean' ? 1 : typeof item === 'number' ? 9 : 5 + (typeof item === 'string' ? Buffer.byteLength(item) : item.length);
  const out = Buffer.allocUnsafe(size);
  out[0] = 0xdd;
  out.writeUInt32BE(items.length, 1);
  let at = 5;
  for (const item of items) {
    if (typeof item === 'boolean') {
      out[at++] = item ? 0xc3 : 0xc2;
    } else if (typeof item === 'number') {
      out[at] = 0xcb;
      at = out.writeDoubleBE(item, at + 1);
    } else {
      out[at] = 0xdb;
      const length = typeof item === 'string' ? out.write(item, at + 5) : item.copy(out, at + 5);
      out.writeUInt32BE(length, at + 1);
      at += 5 + length;
    }
  }
  return out;
}

/**
 * KEYS and the packed items of a batch script. Each item's hash key is its own; a partition's
 * index and summary keys are listed once and named by position by all its items.
 */
class Batch {
  readonly keys: string[] = [];
  /** Index key → its position (its summary key follows). */
  readonly #indexes = new Map<string, number>();
  readonly #items: Item[];

  constructor(header: Item[]) {
    this.#items = header;
  }

  add(key: ReminderKey, ...fields: Item[]): void {
    const partition = reminderPartition(key.actorId);
    const index = this.#indexPosition(key, partition);
    this.keys.push(hashKey(key, key.actorId));
    this.#items.push(this.keys.length, index, index + 1, partition, `${key.actorId}||${key.name}`, ...fields);
  }

  packed(): Buffer {
    return packForLua(this.#items);
  }

  #indexPosition(scope: ReminderScope, partition: number): number {
    const index = indexKey(scope, partition);
    let position = this.#indexes.get(index);
    if (position === undefined) {
      position = this.keys.push(index, summaryKey(scope)) - 1;
      this.#indexes.set(index, position);
    }
    return position;
  }
}

const optionalScore = (text: Buffer | string): number | undefined => (text.length === 0 ? undefined : Number(text.toString()));

export class RedisReminderStorage implements ReminderStorage {
  readonly #client: ReminderCommands;
  readonly #translate: (err: unknown) => Error;

  /** `client` must have had `defineReminderCommands`; `translate` turns Redis errors into store errors. */
  constructor(client: Redis, translate: (err: unknown) => Error) {
    this.#client = client as unknown as ReminderCommands;
    this.#translate = translate;
  }

  async upsert(reminder: Omit<StoredReminder, 'revision'>, options: { readonly overwrite: boolean }): Promise<void> {
    const at = locate(reminder.key);
    const args = [at.field, at.member, reminder.dueAt, newReminderRevision(), reminder.value, options.overwrite ? '1' : '0', at.partition];
    try {
      await this.#client.reminderUpsert(...at.keys, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.includes(EXISTS_MARKER)) throw new ReminderExistsError(reminder.key);
      throw this.#translate(err);
    }
  }

  async get(key: ReminderKey): Promise<StoredReminder | undefined> {
    const at = locate(key);
    const reply = await this.#run(() => this.#client.reminderGetBuffer(at.keys[0], at.keys[1], at.field, at.member));
    return reply ? { key, dueAt: optionalScore(reply[1]) ?? Number.NaN, ...unpack(reply[0]) } : undefined;
  }

  async delete(key: ReminderKey): Promise<boolean> {
    const at = locate(key);
    return (await this.#run(() => this.#client.reminderDelete(...at.keys, at.field, at.member, at.partition))) === 1;
  }

  async listByActor(scope: ReminderScope, actorId: string): Promise<StoredReminder[]> {
    const reply = await this.#run(() => this.#client.reminderListBuffer(hashKey(scope, actorId), indexKey(scope, reminderPartition(actorId)), actorId));
    const out: StoredReminder[] = [];
    for (let i = 0; i + 2 < reply.length; i += 3) {
      const key = { appId: scope.appId, actorType: scope.actorType, actorId, name: reply[i]!.toString() };
      out.push({ key, dueAt: optionalScore(reply[i + 2]!) ?? Number.NaN, ...unpack(reply[i + 1]!) });
    }
    return out.sort((a, b) => (a.key.name < b.key.name ? -1 : a.key.name > b.key.name ? 1 : 0));
  }

  async duePartitions(scope: ReminderScope, now: number): Promise<DuePartitions> {
    const [due, next] = await this.#run(() => this.#client.reminderDuePartitions(summaryKey(scope), now));
    return { partitions: due.map(Number).sort((a, b) => a - b), nextDueAt: optionalScore(next) };
  }

  async fetchDue(scope: ReminderScope, partition: number, now: number, limit: number, offset = 0): Promise<DuePage> {
    const [scored, next] = await this.#run(() => this.#client.reminderFetchDueBuffer(indexKey(scope, partition), now, offset, limit));
    const entries = [];
    for (let i = 0; i + 1 < scored.length; i += 2) entries.push({ key: keyOfMember(scope, scored[i]!.toString()), dueAt: Number(scored[i + 1]!.toString()) });
    return { entries, nextDueAt: optionalScore(next) };
  }

  async claim(claims: readonly ReminderClaim[], leaseUntil: number): Promise<(ClaimedReminder | undefined)[]> {
    if (claims.length === 0) return [];
    const batch = new Batch([leaseUntil, claims.length]);
    for (const claim of claims) batch.add(claim.key, claim.dueAt, newReminderRevision());
    const reply = await this.#run(() => this.#client.reminderClaimBuffer(batch.keys.length, ...batch.keys, batch.packed()));
    return reply.map((won) => (won ? { revision: won[0].toString('latin1'), value: won[1] } : undefined));
  }

  async complete(completions: readonly ReminderCompletion[]): Promise<boolean[]> {
    if (completions.length === 0) return [];
    const batch = new Batch([completions.length]);
    for (const { key, revision, next } of completions) batch.add(key, revision, next?.dueAt ?? false, newReminderRevision(), next?.value ?? false);
    const reply = await this.#run(() => this.#client.reminderComplete(batch.keys.length, ...batch.keys, batch.packed()));
    return reply.map((applied) => applied === 1);
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      throw this.#translate(err);
    }
  }
}
