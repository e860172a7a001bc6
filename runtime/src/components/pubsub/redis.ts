/**
 * `pubsub.redis`: Redis Streams with consumer groups, laid out as Dapr's component does, so
 * Outrigger and daprd apps can share topics. A topic is a stream; each entry has `data` (the
 * message bytes) and `metadata` (JSON of the publish metadata). The consumer group and the
 * consumer are both `consumerID` (default: the app id). Entries are read in batches
 * (XREADGROUP COUNT queueDepth), handled `concurrency` at a time, and acknowledged in batches;
 * an entry left pending (its handler failed, or its sidecar died) is claimed again with
 * XAUTOCLAIM once it has been idle for `processingTimeout`, checked every `redeliverInterval`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../logging/index.js';
import {
  DeliveryQueue,
  asError,
  type BrokerMessage,
  type MessageHandler,
  type PubSub,
  type PubSubFeature,
  type SubscribeRequest,
  type Unsubscribe,
} from '../../pubsub/index.js';
import { redisSettings } from '../redis-connection.js';
import type { ComponentMetadata } from '../metadata.js';
import type { ComponentDefinition } from '../registry.js';

interface StreamsOptions {
  readonly address: string;
  readonly client: RedisOptions;
  readonly consumerId: string;
  readonly maxLenApprox: number | undefined;
  readonly processingTimeoutMs: number;
  readonly redeliverIntervalMs: number;
  readonly queueDepth: number;
  readonly concurrency: number;
}

/** How long one XREADGROUP blocks; bounds how long a reader takes to notice it should stop. */
const BLOCK_MS = 2000;
/** The pause after a failed read, so a Redis that is down is not polled hot. */
const READ_RETRY_MS = 500;

class RedisStreamsPubSub implements PubSub {
  readonly features: readonly PubSubFeature[] = [];
  readonly #publisher: Redis;
  readonly #readers = new Set<StreamReader>();

  constructor(
    private readonly options: StreamsOptions,
    private readonly logger: Logger,
  ) {
    // Fail fast while disconnected: a publish either reaches Redis now or reports why not.
    this.#publisher = new Redis({ ...options.client, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    this.#publisher.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis publisher connection error'));
  }

  async connect(): Promise<void> {
    try {
      await this.#publisher.connect();
    } catch (err) {
      this.#publisher.disconnect();
      throw this.#unreachable(err);
    }
  }

  async publish(message: BrokerMessage): Promise<void> {
    try {
      await this.#publisher.xadd(message.topic, ...this.#addArgs(message));
    } catch (err) {
      throw this.#unreachable(err);
    }
  }

  /** One pipeline, one round trip, for the whole batch. */
  async publishBulk(messages: readonly BrokerMessage[]): Promise<(Error | undefined)[]> {
    const pipeline = this.#publisher.pipeline();
    for (const message of messages) pipeline.xadd(message.topic, ...this.#addArgs(message));
    try {
      const results = (await pipeline.exec()) ?? [];
      return messages.map((_, i) => (results[i]?.[0] ? this.#unreachable(results[i][0]) : undefined));
    } catch (err) {
      return messages.map(() => this.#unreachable(err));
    }
  }

  async subscribe(request: SubscribeRequest, handler: MessageHandler): Promise<Unsubscribe> {
    const reader = new StreamReader(request, handler, this.options, this.logger);
    await reader.start();
    this.#readers.add(reader);
    return async () => {
      this.#readers.delete(reader);
      await reader.stop();
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#readers].map((r) => r.stop()));
    this.#readers.clear();
    await this.#publisher.quit().catch(() => this.#publisher.disconnect());
  }

  #addArgs(message: BrokerMessage): ['MAXLEN', '~', number, '*', ...(string | Buffer)[]] | ['*', ...(string | Buffer)[]] {
    const fields = ['data', message.data, 'metadata', JSON.stringify(message.metadata)];
    return this.options.maxLenApprox === undefined ? ['*', ...fields] : ['MAXLEN', '~', this.options.maxLenApprox, '*', ...fields];
  }

  #unreachable(err: unknown): Error {
    return new Error(`redis ${this.options.address} did not take the message: ${asError(err).message}`, { cause: err });
  }
}

type StreamEntry = [id: Buffer, fields: Buffer[] | null];

/** One subscription: a blocking reader connection, a delivery queue and the reclaim timer. */
class StreamReader {
  readonly #client: Redis;
  readonly #queue: DeliveryQueue<StreamEntry>;
  readonly #inFlight = new Set<string>();
  #acks: string[] = [];
  #stopped = false;
  #loop: Promise<void> | undefined;
  #reclaimer: NodeJS.Timeout | undefined;
  #drained: (() => void) | undefined;

  constructor(
    private readonly request: SubscribeRequest,
    private readonly handler: MessageHandler,
    private readonly options: StreamsOptions,
    private readonly logger: Logger,
  ) {
    // Its own connection: XREADGROUP BLOCK holds it. Commands wait for a reconnect rather than
    // fail, and one cut off is sent again (reads and acknowledgements are safe to repeat).
    const { commandTimeout: _blockingReadsOutlastIt, ...client } = options.client;
    this.#client = new Redis({ ...client, enableOfflineQueue: true, maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true, connectionName: 'outrigger-pubsub-reader' });
    this.#client.on('error', (err: Error) => logger.debug({ topic: request.topic, err: err.message }, 'redis reader connection error'));
    const concurrency = Math.max(request.maxInFlight ?? options.concurrency, 1);
    this.#queue = new DeliveryQueue(concurrency, (entry) => this.#handle(entry));
  }

  async start(): Promise<void> {
    await this.#client.connect();
    await this.#ensureGroup();
    this.#loop = this.#readLoop();
    if (this.options.redeliverIntervalMs > 0 && this.options.processingTimeoutMs > 0) {
      this.#reclaimer = setInterval(() => void this.#reclaim(), this.options.redeliverIntervalMs);
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#reclaimer);
    this.#drained?.();
    this.#client.disconnect();
    await this.#loop;
    this.#queue.stop();
  }

  async #ensureGroup(): Promise<void> {
    try {
      await this.#client.xgroup('CREATE', this.request.topic, this.options.consumerId, '0', 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test(asError(err).message)) throw err;
    }
  }

  async #readLoop(): Promise<void> {
    const depth = this.options.queueDepth;
    while (!this.#stopped) {
      if (this.#queue.size >= depth) {
        await new Promise<void>((resolve) => (this.#drained = resolve));
        continue;
      }
      try {
        const reply = (await this.#client.xreadgroupBuffer('GROUP', this.options.consumerId, this.options.consumerId, 'COUNT', depth - this.#queue.size, 'BLOCK', BLOCK_MS, 'STREAMS', this.request.topic, '>')) as [Buffer, StreamEntry[]][] | null;
        for (const [, entries] of reply ?? []) for (const entry of entries) this.#enqueue(entry);
      } catch (err) {
        if (this.#stopped) return;
        await this.#recover(asError(err));
      }
    }
  }

  async #recover(err: Error): Promise<void> {
    this.logger.debug({ topic: this.request.topic, err: err.message }, 'reading the stream failed; trying again');
    await sleep(READ_RETRY_MS);
    // The stream or group is gone (Redis restarted empty, or someone deleted it): make it again.
    if (/NOGROUP/.test(err.message)) await this.#ensureGroup().catch(() => undefined);
  }

  /** Entries idle past processingTimeout, this consumer's own included (a previous life of it may have died). */
  async #reclaim(): Promise<void> {
    if (this.#stopped) return;
    try {
      const reply = (await this.#client.callBuffer('XAUTOCLAIM', this.request.topic, this.options.consumerId, this.options.consumerId, this.options.processingTimeoutMs, '0-0', 'COUNT', this.options.queueDepth)) as [Buffer, StreamEntry[], Buffer[]?];
      for (const entry of reply[1]) this.#enqueue(entry);
      const deleted = (reply[2] ?? []).map((id) => id.toString());
      if (deleted.length > 0) this.#ack(deleted);
    } catch (err) {
      this.logger.debug({ topic: this.request.topic, err: asError(err).message }, 'claiming pending entries failed');
    }
  }

  #enqueue(entry: StreamEntry): void {
    const id = entry[0].toString();
    if (this.#inFlight.has(id)) return;
    this.#inFlight.add(id);
    this.#queue.push(entry);
  }

  async #handle([rawId, fields]: StreamEntry): Promise<void> {
    const id = rawId.toString();
    try {
      // A trimmed entry claimed back has no fields: nothing to deliver, only to acknowledge.
      if (fields) await this.handler(this.#toMessage(fields));
      this.#ack([id]);
    } catch (err) {
      this.logger.debug({ topic: this.request.topic, id, err: asError(err).message }, 'entry left pending for redelivery');
    } finally {
      this.#inFlight.delete(id);
      if (this.#queue.size <= this.options.queueDepth) this.#drained?.();
    }
  }

  #toMessage(fields: Buffer[]): BrokerMessage {
    let data: Buffer = Buffer.alloc(0);
    let metadata: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i]!.toString();
      if (name === 'data') data = fields[i + 1]!;
      else if (name === 'metadata') metadata = parseMetadata(fields[i + 1]!);
    }
    return { topic: this.request.topic, data, metadata };
  }

  /** Acknowledgements of one tick go out as one XACK. */
  #ack(ids: string[]): void {
    if (this.#acks.length === 0) setImmediate(() => this.#flushAcks());
    this.#acks.push(...ids);
  }

  #flushAcks(): void {
    const ids = this.#acks;
    this.#acks = [];
    if (ids.length === 0) return;
    this.#client.xack(this.request.topic, this.options.consumerId, ...ids).catch((err: unknown) => {
      // Unacknowledged entries are claimed again later: at least once, never lost.
      this.logger.debug({ topic: this.request.topic, err: asError(err).message }, 'acknowledging failed; the entries will be delivered again');
    });
  }
}

function parseMetadata(bytes: Buffer): Record<string, string> {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  } catch {
    return {};
  }
}

/** Dapr's common Redis metadata, read as the other Redis components read it. */
function streamsOptions(metadata: ComponentMetadata, appId: string): StreamsOptions {
  const settings = redisSettings(metadata, 'outrigger-pubsub');
  const maxLenApprox = metadata.int('maxLenApprox', 0, { min: 0 });
  return {
    address: settings.address,
    consumerId: metadata.string('consumerID') ?? appId,
    maxLenApprox: maxLenApprox > 0 ? maxLenApprox : undefined,
    processingTimeoutMs: metadata.durationMs('processingTimeout', 15_000),
    redeliverIntervalMs: metadata.durationMs('redeliverInterval', 60_000),
    queueDepth: metadata.int('queueDepth', 100, { min: 1 }),
    concurrency: metadata.int('concurrency', 10, { min: 1 }),
    client: settings.options,
  };
}

export const redisPubSub: ComponentDefinition<'pubsub'> = {
  category: 'pubsub',
  type: 'pubsub.redis',
  versions: ['v1'],
  async create(metadata, context) {
    const pubsub = new RedisStreamsPubSub(streamsOptions(metadata, context.appId), context.logger);
    await pubsub.connect();
    return pubsub;
  },
};
