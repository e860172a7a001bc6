/**
 * `pubsub.jetstream` (NATS JetStream). A topic is a subject; publish metadata travels as NATS
 * headers. A topic needs a stream capturing it: the stream that already does, else `streamName`
 * (created if missing, the topic added to its subjects), else a stream of its own named after the
 * topic (`orders.new` → `orders_new`). Each subscription is a durable pull consumer
 * `<durableName|queueGroupName|consumerID>-<topic>` on that stream, so a restarted sidecar goes on
 * where it stopped and the sidecars of one app share its messages. A message is acked once its
 * handler resolved; one whose handler rejected is nacked with a growing delay (1s doubling to
 * 10s), and one left unacknowledged past `ackWait` comes again — both up to `maxDeliver`.
 */
import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  Events,
  connect,
  headers,
  jwtAuthenticator,
  nanos,
  type ConnectionOptions,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import { parseGoDuration } from '../../durations/index.js';
import type { Logger } from '../../logging/index.js';
import { asError, type BrokerMessage, type MessageHandler, type PubSub, type PubSubFeature, type SubscribeRequest, type Unsubscribe } from '../../pubsub/index.js';
import { ComponentMetadataError } from '../errors.js';
import type { ComponentMetadata } from '../metadata.js';
import type { ComponentDefinition } from '../registry.js';
import { RunningSubscriptions } from './running-subscriptions.js';

const DELIVER_POLICIES = ['all', 'last', 'new', 'sequence', 'time'] as const;
const ACK_POLICIES = ['explicit', 'all', 'none'] as const;
const NAK_DELAY_MS = { first: 1000, max: 10_000 };
const RECONNECT_WAIT_MS = 1000;

interface JetStreamOptions {
  readonly natsUrl: string;
  readonly connection: ConnectionOptions;
  readonly consumerBase: string;
  readonly streamName: string | undefined;
  readonly memoryStorage: boolean;
  readonly replicas: number;
  readonly consumer: Partial<ConsumerConfig>;
  readonly heartbeatMs: number | undefined;
}

/** Stream and consumer names may not hold `.`, `*`, `>`, whitespace or path separators. */
function nameOf(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Finds or makes the stream that captures each topic. */
class Streams {
  readonly #known = new Map<string, string>();

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly options: JetStreamOptions,
  ) {}

  /** The stream of `topic`; `recheck` asks the server again (the stream may have been deleted). */
  async of(topic: string, recheck = false): Promise<string> {
    const known = this.#known.get(topic);
    if (known !== undefined && !recheck) return known;
    const stream = (await this.jsm.streams.find(topic).catch(() => undefined)) ?? (await this.#capture(topic));
    this.#known.set(topic, stream);
    return stream;
  }

  async #capture(topic: string): Promise<string> {
    const name = this.options.streamName ?? nameOf(topic);
    const existing = await this.jsm.streams.info(name).catch(() => undefined);
    if (existing) {
      await this.jsm.streams.update(name, { ...existing.config, subjects: [...(existing.config.subjects ?? []), topic] });
      return name;
    }
    const storage = this.options.memoryStorage ? 'memory' : 'file';
    await this.jsm.streams.add({ name, subjects: [topic], storage: storage as never, num_replicas: this.options.replicas });
    return name;
  }
}

/** One subscription: a durable pull consumer, at most `maxInFlight` messages handled at once. */
class TopicConsumer {
  #messages: ConsumerMessages | undefined;
  #active = 0;
  #slotFree: (() => void) | undefined;
  #stopped = false;

  constructor(
    private readonly request: SubscribeRequest,
    private readonly handler: MessageHandler,
    private readonly options: JetStreamOptions,
    private readonly logger: Logger,
  ) {}

  get name(): string {
    return nameOf(`${this.options.consumerBase}-${this.request.topic}`);
  }

  async start(js: JetStreamClient, jsm: JetStreamManager, stream: string): Promise<void> {
    await this.#ensure(jsm, stream);
    const inFlight = Math.max(this.request.maxInFlight ?? 1, 1);
    const consumer = await js.consumers.get(stream, this.name);
    this.#messages = await consumer.consume({ max_messages: inFlight, ...(this.options.heartbeatMs ? { idle_heartbeat: this.options.heartbeatMs } : {}) });
    void this.#read(this.#messages, inFlight);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#slotFree?.();
    // Messages not yet acked come again after ackWait, to this sidecar's successor or a sibling.
    await this.#messages?.close().catch(() => undefined);
  }

  async #ensure(jsm: JetStreamManager, stream: string): Promise<void> {
    const config: Partial<ConsumerConfig> = { ...this.options.consumer, durable_name: this.name, filter_subject: this.request.topic };
    try {
      await jsm.consumers.add(stream, config);
    } catch (err) {
      // A durable consumer made earlier with other settings is used as it is; it holds the position.
      if (!(await jsm.consumers.info(stream, this.name).catch(() => undefined))) throw err;
      this.logger.warn({ topic: this.request.topic, consumer: this.name, err: asError(err).message }, 'the JetStream consumer exists with other settings; using it as it is');
    }
  }

  /** Takes the next message only when a slot is free: nats.js pulls more as soon as it is taken. */
  async #read(messages: ConsumerMessages, inFlight: number): Promise<void> {
    for await (const message of messages) {
      if (this.#stopped) return;
      this.#active++;
      void this.#deliver(message);
      while (this.#active >= inFlight && !this.#stopped) await new Promise<void>((resolve) => (this.#slotFree = resolve));
    }
  }

  async #deliver(message: JsMsg): Promise<void> {
    try {
      await this.handler({ topic: message.subject, data: Buffer.from(message.data), metadata: metadataOf(message) });
      message.ack();
    } catch (err) {
      const delay = Math.min(NAK_DELAY_MS.first * 2 ** (message.info.redeliveryCount - 1), NAK_DELAY_MS.max);
      this.logger.warn({ topic: this.request.topic, err: asError(err).message, redeliverInMs: delay }, 'JetStream message failed; nacking it');
      if (!this.#stopped) message.nak(delay);
    } finally {
      this.#active--;
      this.#slotFree?.();
    }
  }
}

function metadataOf(message: JsMsg): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, values] of message.headers ?? []) if (values[0] !== undefined) metadata[name] = values[0];
  return metadata;
}

class JetStreamPubSub implements PubSub {
  readonly features: readonly PubSubFeature[] = [];
  readonly #consumers = new RunningSubscriptions<TopicConsumer>();
  readonly #js: JetStreamClient;
  readonly #streams: Streams;
  #connected = true;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly options: JetStreamOptions,
    private readonly logger: Logger,
  ) {
    this.#js = nc.jetstream();
    this.#streams = new Streams(jsm, options);
    void this.#watch();
  }

  async #watch(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Disconnect) this.#connected = false;
      if (status.type === Events.Reconnect) this.#connected = true;
      if (status.type === Events.Disconnect || status.type === Events.Reconnect) this.logger.info({ server: status.data }, `NATS ${status.type}`);
    }
  }

  async publish(message: BrokerMessage): Promise<void> {
    try {
      // nats.js would buffer the message until a reconnect; the caller is told now instead.
      if (!this.#connected) throw new Error('it is not connected (reconnecting)');
      await this.#streams.of(message.topic);
      await this.#send(message).catch(async (err: unknown) => {
        // 503: no stream captures the subject any more (deleted meanwhile): find or make it again.
        if ((err as { code?: string }).code !== '503') throw err;
        await this.#streams.of(message.topic, true);
        await this.#send(message);
      });
    } catch (err) {
      throw new Error(`NATS JetStream at ${this.options.natsUrl} did not take the message: ${asError(err).message}`, { cause: err });
    }
  }

  #send(message: BrokerMessage): Promise<unknown> {
    const carried = headers();
    for (const [name, value] of Object.entries(message.metadata)) carried.set(name, value);
    // The id lets JetStream drop the copy if nats.js resends this publish after a reconnect.
    return this.#js.publish(message.topic, message.data, { headers: carried, msgID: randomUUID() });
  }

  async subscribe(request: SubscribeRequest, handler: MessageHandler): Promise<Unsubscribe> {
    const consumer = new TopicConsumer(request, handler, this.options, this.logger);
    await consumer.start(this.#js, this.jsm, await this.#streams.of(request.topic));
    return this.#consumers.track(consumer);
  }

  async close(): Promise<void> {
    await this.#consumers.stopAll();
    await this.nc.close();
  }
}

function connectionOptions(metadata: ComponentMetadata, natsUrl: string): ConnectionOptions {
  const [jwt, seedKey, token] = [metadata.string('jwt'), metadata.string('seedKey'), metadata.string('token')];
  const [certFile, keyFile] = [metadata.string('tls_client_cert'), metadata.string('tls_client_key')];
  if ((jwt === undefined) !== (seedKey === undefined)) throw new ComponentMetadataError(jwt ? 'seedKey' : 'jwt', 'is required with jwt/seedKey: set both or neither');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new ComponentMetadataError(certFile ? 'tls_client_key' : 'tls_client_cert', 'is required with tls_client_cert/tls_client_key: set both or neither');
  return {
    servers: natsUrl,
    name: metadata.string('name') ?? 'outrigger pubsub.jetstream',
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: RECONNECT_WAIT_MS,
    ...(token ? { token } : {}),
    ...(jwt && seedKey ? { authenticator: jwtAuthenticator(jwt, new TextEncoder().encode(seedKey)) } : {}),
    ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
  };
}

/** Where a new consumer starts: `startSequence` and `startTime` (Unix seconds) win over `deliverPolicy`. */
function startOf(metadata: ComponentMetadata): Partial<ConsumerConfig> {
  const sequence = metadata.int('startSequence', 0, { min: 0 });
  const time = metadata.int('startTime', 0, { min: 0 });
  if (sequence > 0) return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: sequence };
  if (time > 0) return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(time * 1000).toISOString() };
  const policy = metadata.oneOf('deliverPolicy', DELIVER_POLICIES, 'all');
  if (policy === 'sequence' || policy === 'time') throw new ComponentMetadataError('deliverPolicy', `"${policy}" needs ${policy === 'sequence' ? 'startSequence' : 'startTime'}`);
  return { deliver_policy: { all: DeliverPolicy.All, last: DeliverPolicy.Last, new: DeliverPolicy.New }[policy] };
}

function consumerConfigOf(metadata: ComponentMetadata): Partial<ConsumerConfig> {
  const ackPolicy = metadata.oneOf('ackPolicy', ACK_POLICIES, 'explicit');
  const maxAckPending = metadata.int('maxAckPending', 0, { min: 0 });
  const backOff = backOffOf(metadata);
  return {
    ...startOf(metadata),
    ack_policy: { explicit: AckPolicy.Explicit, all: AckPolicy.All, none: AckPolicy.None }[ackPolicy],
    ack_wait: nanos(metadata.durationMs('ackWait', 30_000)),
    max_deliver: metadata.int('maxDeliver', -1, { min: -1 }),
    ...(backOff.length > 0 ? { backoff: backOff.map(nanos) } : {}),
    ...(maxAckPending > 0 ? { max_ack_pending: maxAckPending } : {}),
  };
}

/** `backOff`: redelivery delays after an ack timeout, comma-separated durations (`50ms, 1s, 10s`). */
function backOffOf(metadata: ComponentMetadata): number[] {
  const entries = (metadata.string('backOff') ?? '').split(',').map((d) => d.trim()).filter((d) => d !== '');
  return entries.map((entry) => {
    const ms = parseGoDuration(entry);
    if (ms === undefined || ms <= 0) throw new ComponentMetadataError('backOff', `must be a list of durations such as "50ms, 1s, 10s", got "${entry}"`);
    return ms;
  });
}

function optionsOf(metadata: ComponentMetadata, appId: string): JetStreamOptions {
  const natsUrl = metadata.required('natsURL');
  const heartbeatMs = metadata.durationMs('heartbeat', 0);
  return {
    natsUrl,
    connection: connectionOptions(metadata, natsUrl),
    consumerBase: metadata.string('durableName') ?? metadata.string('queueGroupName') ?? metadata.string('consumerID') ?? appId,
    streamName: metadata.string('streamName'),
    memoryStorage: metadata.bool('memoryStorage', false),
    replicas: metadata.int('replicas', 1, { min: 1, max: 5 }),
    consumer: consumerConfigOf(metadata),
    heartbeatMs: heartbeatMs > 0 ? heartbeatMs : undefined,
  };
}

export const jetstreamPubSub: ComponentDefinition<'pubsub'> = {
  category: 'pubsub',
  type: 'pubsub.jetstream',
  versions: ['v1'],
  async create(metadata, context) {
    const options = optionsOf(metadata, context.appId);
    const nc = await connect(options.connection).catch((err: Error) => {
      throw new Error(`could not connect to NATS at ${options.natsUrl}: ${err.message}`);
    });
    try {
      return new JetStreamPubSub(nc, await nc.jetstreamManager(), options, context.logger);
    } catch (err) {
      await nc.close();
      throw new Error(`NATS at ${options.natsUrl} has no JetStream: ${asError(err).message}`);
    }
  },
};
