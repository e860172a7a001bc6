/**
 * `configuration.redis`: Dapr's layout, so apps can share items with daprd. Each item is a plain
 * string key (no app prefix) holding `<value>||<version>`. Changes are watched through Redis
 * keyspace notifications on a second, subscriber-mode connection: one channel per watched key,
 * shared by every subscription to it. The server must publish them (`notify-keyspace-events`
 * with `K` and `$` or `A`); if it does not, the component turns them on with CONFIG SET and
 * warns when the server refuses.
 */
import type { Logger } from '../../logging/index.js';
import type {
  ConfigurationItem,
  ConfigurationItems,
  ConfigurationStore,
  StoreWatch,
} from '../../configuration/index.js';
import type { ComponentDefinition } from '../registry.js';
import { RedisConnection, redisSettings } from '../redis-connection.js';

const SEPARATOR = '||';
const SCAN_BATCH = 500;

/** `<value>||<version>`, read as daprd reads it: the text before the first `||`, then up to the next. */
function parseItem(stored: string): ConfigurationItem {
  const [value = '', version = ''] = stored.split(SEPARATOR);
  return { value, version, metadata: {} };
}

interface Watcher {
  readonly keys: ReadonlySet<string> | 'all';
  readonly onChange: (items: ConfigurationItems) => void;
}

class RedisConfigurationStore implements ConfigurationStore {
  readonly features: readonly string[] = [];
  readonly #commands: RedisConnection;
  readonly #events: RedisConnection;
  /** `__keyspace@<db>__:`: the channel of key k is this followed by k. */
  readonly #channelPrefix: string;
  readonly #watchers = new Set<Watcher>();
  /** How many watchers listen on each channel; a channel is unsubscribed when none does. */
  readonly #listeners = new Map<string, number>();

  constructor(commands: RedisConnection, events: RedisConnection, db: number) {
    this.#commands = commands;
    this.#events = events;
    this.#channelPrefix = `__keyspace@${db}__:`;
    // A key watched both on its own and through `*` raises both events: each tells its own watchers.
    events.client.on('message', (channel: string) => {
      const key = channel.slice(this.#channelPrefix.length);
      void this.#changed(key, (w) => w.keys !== 'all' && w.keys.has(key));
    });
    events.client.on('pmessage', (_pattern: string, channel: string) => {
      void this.#changed(channel.slice(this.#channelPrefix.length), (w) => w.keys === 'all');
    });
  }

  async get(keys: readonly string[]): Promise<ConfigurationItems> {
    const names = keys.length > 0 ? [...new Set(keys)] : await this.#allKeys();
    if (names.length === 0) return new Map();
    const values = await this.#commands.run((client) => client.mget(...names));
    const items = new Map<string, ConfigurationItem>();
    names.forEach((name, i) => {
      const stored = values[i];
      if (typeof stored === 'string') items.set(name, parseItem(stored));
    });
    return items;
  }

  async watch(keys: readonly string[], _metadata: unknown, onChange: (items: ConfigurationItems) => void): Promise<StoreWatch> {
    const watcher: Watcher = { keys: keys.length === 0 ? 'all' : new Set(keys), onChange };
    const channels = watcher.keys === 'all' ? [`${this.#channelPrefix}*`] : [...watcher.keys].map((k) => this.#channelPrefix + k);
    await this.#listen(channels);
    this.#watchers.add(watcher);
    return {
      stop: async () => {
        if (!this.#watchers.delete(watcher)) return;
        await this.#unlisten(channels);
      },
    };
  }

  async close(): Promise<void> {
    this.#watchers.clear();
    await Promise.all([this.#events.close(), this.#commands.close()]);
  }

  /** Keys holding strings are items; SCAN walks the keyspace without blocking the server. */
  async #allKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.#commands.run((client) => client.scan(cursor, 'COUNT', SCAN_BATCH));
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  }

  async #listen(channels: readonly string[]): Promise<void> {
    const fresh = channels.filter((c) => !this.#listeners.has(c));
    for (const channel of channels) this.#listeners.set(channel, (this.#listeners.get(channel) ?? 0) + 1);
    try {
      await this.#events.run((client) => Promise.all(fresh.map((c) => (c.endsWith('*') ? client.psubscribe(c) : client.subscribe(c)))));
    } catch (err) {
      await this.#unlisten(channels).catch(() => undefined);
      throw err;
    }
  }

  async #unlisten(channels: readonly string[]): Promise<void> {
    const unused: string[] = [];
    for (const channel of channels) {
      const count = (this.#listeners.get(channel) ?? 1) - 1;
      if (count > 0) this.#listeners.set(channel, count);
      else if (this.#listeners.delete(channel)) unused.push(channel);
    }
    await this.#events.run((client) => Promise.all(unused.map((c) => (c.endsWith('*') ? client.punsubscribe(c) : client.unsubscribe(c)))));
  }

  /** Reads the key's current item and tells each watcher of it; a key that is gone is not reported. */
  async #changed(key: string, isInterested: (watcher: Watcher) => boolean): Promise<void> {
    const interested = [...this.#watchers].filter(isInterested);
    if (interested.length === 0) return;
    const items = await this.get([key]).catch(() => new Map<string, ConfigurationItem>());
    if (items.size === 0) return;
    for (const watcher of interested) watcher.onChange(items);
  }
}

/**
 * Makes sure the server publishes keyspace events for string writes. CONFIG may be refused
 * (managed Redis); then subscriptions stay silent until an operator enables them, and we say so.
 */
async function enableKeyspaceEvents(connection: RedisConnection, logger: Logger): Promise<void> {
  try {
    const [, flags = ''] = (await connection.client.config('GET', 'notify-keyspace-events')) as string[];
    if (flags.includes('K') && (flags.includes('$') || flags.includes('A'))) return;
    await connection.client.config('SET', 'notify-keyspace-events', `${flags}K$`);
    logger.info({ address: connection.address, was: flags }, 'enabled Redis keyspace notifications (notify-keyspace-events) for configuration subscriptions');
  } catch (err) {
    logger.warn(
      { address: connection.address, err: (err as Error).message },
      'could not check or enable Redis keyspace notifications; configuration subscriptions receive no changes unless notify-keyspace-events includes "K$" or "KA"',
    );
  }
}

export const redisConfigurationStore: ComponentDefinition<'configuration'> = {
  category: 'configuration',
  type: 'configuration.redis',
  versions: ['v1'],
  async create(metadata, context) {
    const settings = redisSettings(metadata, 'outrigger-configuration');
    const commands = new RedisConnection(settings, context.logger);
    const events = new RedisConnection({ ...settings, options: { ...settings.options, connectionName: 'outrigger-configuration-events' } }, context.logger);
    try {
      await commands.connect();
      await events.connect();
    } catch (err) {
      await Promise.all([commands.close(), events.close()]);
      throw err;
    }
    await enableKeyspaceEvents(commands, context.logger);
    return new RedisConfigurationStore(commands, events, settings.db);
  },
};
