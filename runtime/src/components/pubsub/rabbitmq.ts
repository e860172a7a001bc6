/**
 * `pubsub.rabbitmq`, laid out as Dapr's component lays it out so Outrigger and daprd apps share
 * topics: a topic is an exchange (`exchangeKind`, fanout by default) and a subscription is the
 * queue `<consumerID>-<topic>` bound to it, so the sidecars of one app share its messages.
 * Publish metadata travels as AMQP headers. A message is acknowledged once its handler resolved;
 * one whose handler rejected is nacked: requeued (after a growing pause) with
 * `requeueInFailure`, else dead-lettered to `dlx-<queue>`/`dlq-<queue>` with `enableDeadLetter`,
 * else dropped — Dapr's defaults. One connection recovers by itself; while it is down publishes
 * fail at once, and every subscription declares and consumes again on reconnect.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options, type RecoveringChannelModel } from 'amqplib';
import type { Logger } from '../../logging/index.js';
import { Backoff } from '../../placement-client/index.js';
import { DeliveryQueue, asError, type BrokerMessage, type MessageHandler, type PubSub, type PubSubFeature, type SubscribeRequest, type Unsubscribe } from '../../pubsub/index.js';
import { ComponentMetadataError } from '../errors.js';
import type { ComponentMetadata } from '../metadata.js';
import type { ComponentDefinition } from '../registry.js';
import { RunningSubscriptions } from './running-subscriptions.js';

const EXCHANGE_KINDS = ['fanout', 'topic', 'direct', 'headers'] as const;

/** Messages the broker may push ahead of the handler when `prefetchCount` is 0 (Dapr: unbounded). */
const DEFAULT_PREFETCH = 100;

interface RabbitOptions {
  readonly url: string;
  readonly consumerId: string;
  readonly durable: boolean;
  readonly deletedWhenUnused: boolean;
  readonly autoAck: boolean;
  readonly persistent: boolean;
  readonly requeueInFailure: boolean;
  readonly prefetchCount: number;
  readonly reconnectWaitMs: number;
  readonly single: boolean;
  readonly enableDeadLetter: boolean;
  readonly queueArguments: Readonly<Record<string, number>>;
  readonly exchangeKind: (typeof EXCHANGE_KINDS)[number];
  readonly publisherConfirm: boolean;
}

function redacted(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** One subscription's queue: declared and consumed on every (re)connect, one channel each. */
class QueueConsumer {
  readonly queueName: string;
  readonly #queue: DeliveryQueue<{ channel: Channel; message: ConsumeMessage }>;
  readonly #failures = new Backoff(200, 5000);
  #channel: Channel | undefined;
  #stopped = false;

  constructor(
    private readonly request: SubscribeRequest,
    private readonly handler: MessageHandler,
    private readonly options: RabbitOptions,
    private readonly logger: Logger,
  ) {
    this.queueName = `${options.consumerId}-${request.topic}`;
    const inFlight = request.maxInFlight ?? (options.single ? 1 : this.#prefetch);
    this.#queue = new DeliveryQueue(Math.max(inFlight, 1), (item) => this.#deliver(item.channel, item.message));
  }

  get #prefetch(): number {
    return this.options.prefetchCount > 0 ? this.options.prefetchCount : DEFAULT_PREFETCH;
  }

  async attach(model: ChannelModel): Promise<void> {
    if (this.#stopped) return;
    const channel = await model.createChannel();
    channel.on('error', (err: Error) => this.logger.warn({ topic: this.request.topic, err: err.message }, 'rabbitmq consumer channel error'));
    await channel.prefetch(this.#prefetch);
    await declareExchange(channel, this.request.topic, this.options);
    await channel.assertQueue(this.queueName, { durable: this.options.durable, autoDelete: this.options.deletedWhenUnused, arguments: await this.#queueArguments(channel) });
    for (const key of routingKeys(this.request.metadata)) await channel.bindQueue(this.queueName, this.request.topic, key);
    await channel.consume(this.queueName, (message) => message && this.#queue.push({ channel, message }), { noAck: this.options.autoAck });
    this.#channel = channel;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#queue.stop();
    // Closing the channel hands every unacknowledged message back to the queue.
    await this.#channel?.close().catch(() => undefined);
  }

  async #queueArguments(channel: Channel): Promise<Record<string, unknown>> {
    if (!this.options.enableDeadLetter) return { ...this.options.queueArguments };
    const [exchange, queue] = [`dlx-${this.queueName}`, `dlq-${this.queueName}`];
    await channel.assertExchange(exchange, 'fanout', { durable: this.options.durable });
    await channel.assertQueue(queue, { durable: this.options.durable });
    await channel.bindQueue(queue, exchange, '');
    return { ...this.options.queueArguments, 'x-dead-letter-exchange': exchange };
  }

  async #deliver(channel: Channel, message: ConsumeMessage): Promise<void> {
    try {
      await this.handler({ topic: this.request.topic, data: message.content, metadata: metadataOf(message) });
      this.#failures.reset();
      if (!this.options.autoAck) channel.ack(message);
    } catch (err) {
      if (this.options.autoAck || this.#stopped) return;
      const requeue = this.options.requeueInFailure;
      this.logger.warn({ topic: this.request.topic, err: asError(err).message, requeue, deadLetter: this.options.enableDeadLetter }, 'rabbitmq message failed; nacking it');
      // A pause before the requeue, so an app that keeps failing is not called in a tight loop.
      if (requeue) await sleep(this.#failures.next(), undefined, { ref: false });
      try {
        channel.nack(message, false, requeue);
      } catch {
        // The channel closed meanwhile: the broker requeued the unacknowledged message itself.
      }
    }
  }
}

/** How amqplib reports work cut short by a lost connection. */
const CONNECTION_LOST = /channel ended|connection closed|ECONNRESET|socket closed/i;

class RabbitPubSub implements PubSub {
  readonly features: readonly PubSubFeature[] = [];
  readonly #consumers = new RunningSubscriptions<QueueConsumer>();
  #model: RecoveringChannelModel | undefined;
  #live: ChannelModel | undefined;
  #publisher: Promise<{ channel: ConfirmChannel; exchanges: Set<string> }> | undefined;
  #lastError = 'not connected yet';

  constructor(
    private readonly options: RabbitOptions,
    private readonly logger: Logger,
  ) {}

  async connect(): Promise<void> {
    const recovery = { initialDelay: 100, maxDelay: this.options.reconnectWaitMs, initialMaxRetries: 0, setup: (model: ChannelModel) => this.#attach(model) };
    this.#model = await amqp.connect(this.options.url, { recovery }).catch((err: Error) => {
      throw new Error(`could not connect to rabbitmq at ${redacted(this.options.url)}: ${err.message}`);
    });
    this.#model.on('error', () => undefined);
    this.#model.on('disconnect', (err: Error) => {
      this.#live = undefined;
      this.#publisher = undefined;
      this.#lastError = err.message;
      this.logger.warn({ err: err.message }, 'rabbitmq connection lost; reconnecting');
    });
  }

  async #attach(model: ChannelModel): Promise<void> {
    this.#live = model;
    this.#publisher = undefined;
    for (const consumer of this.#consumers) {
      await consumer.attach(model).catch((err: Error) => this.logger.error({ queue: consumer.queueName, err: err.message }, 'could not consume the rabbitmq queue after reconnecting'));
    }
    this.logger.info('rabbitmq connection (re)established');
  }

  async publish(message: BrokerMessage): Promise<void> {
    try {
      const { channel, exchanges } = await this.#publishChannel();
      if (!exchanges.has(message.topic)) {
        await declareExchange(channel, message.topic, this.options);
        exchanges.add(message.topic);
      }
      await this.#send(channel, message);
    } catch (err) {
      throw new Error(`rabbitmq ${redacted(this.options.url)} did not take the message: ${asError(err).message}`, { cause: err });
    }
  }

  #send(channel: ConfirmChannel, message: BrokerMessage): Promise<void> {
    const key = message.metadata['routingKey'] ?? '';
    const options: Options.Publish = { persistent: this.options.persistent, headers: { ...message.metadata }, ...ttlOf(message.metadata) };
    if (!this.options.publisherConfirm) {
      channel.publish(message.topic, key, message.data, options);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      channel.publish(message.topic, key, message.data, options, (err) => (err ? reject(new Error(`the broker did not confirm it: ${String(err)}`)) : resolve()));
    });
  }

  /** The publishing channel, opened on first use after each (re)connect and after a channel error. */
  #publishChannel(): Promise<{ channel: ConfirmChannel; exchanges: Set<string> }> {
    const model = this.#live;
    if (!model) return Promise.reject(new Error(`it is unreachable (${this.#lastError}); reconnecting`));
    this.#publisher ??= model.createConfirmChannel().then((channel) => {
      const opened = this.#publisher;
      channel.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'rabbitmq publishing channel error'));
      channel.on('close', () => {
        if (this.#publisher === opened) this.#publisher = undefined;
      });
      return { channel, exchanges: new Set<string>() };
    });
    const opening = this.#publisher;
    opening.catch(() => {
      if (this.#publisher === opening) this.#publisher = undefined;
    });
    return opening;
  }

  /**
   * While the broker is down the subscription is kept and starts consuming on the reconnect, so
   * a sidecar that starts during an outage still gets its messages afterwards.
   */
  async subscribe(request: SubscribeRequest, handler: MessageHandler): Promise<Unsubscribe> {
    const consumer = new QueueConsumer(request, handler, this.options, this.logger);
    const unsubscribe = this.#consumers.track(consumer);
    if (!this.#live) {
      this.logger.warn({ queue: consumer.queueName, err: this.#lastError }, 'rabbitmq is unreachable; the subscription starts when it is back');
      return unsubscribe;
    }
    const model = this.#live;
    await consumer.attach(model).catch(async (err: unknown) => {
      // The connection went down under us: the reconnect attaches it. Anything else is a refusal.
      if (this.#live !== model || CONNECTION_LOST.test(asError(err).message)) {
        return void this.logger.warn({ queue: consumer.queueName, err: asError(err).message }, 'rabbitmq connection lost while subscribing; the subscription starts on the reconnect');
      }
      await unsubscribe();
      throw err;
    });
    return unsubscribe;
  }

  async close(): Promise<void> {
    await this.#consumers.stopAll();
    this.#live = undefined;
    await this.#model?.close().catch(() => undefined);
  }
}

function declareExchange(channel: Channel, topic: string, options: RabbitOptions): Promise<unknown> {
  return channel.assertExchange(topic, options.exchangeKind, { durable: options.durable, autoDelete: options.deletedWhenUnused });
}

/** The subscription's `routingKey` metadata, comma-separated; none binds with the empty key. */
function routingKeys(metadata: Readonly<Record<string, string>>): string[] {
  const keys = (metadata['routingKey'] ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
  return keys.length > 0 ? keys : [''];
}

function ttlOf(metadata: Readonly<Record<string, string>>): Options.Publish {
  const ttl = Number(metadata['ttlInSeconds']);
  return Number.isInteger(ttl) && ttl > 0 ? { expiration: String(ttl * 1000) } : {};
}

function metadataOf(message: ConsumeMessage): Record<string, string> {
  const headers = message.properties.headers ?? {};
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('utf8') : String(v)]));
}

/** `connectionString`, or Dapr's older `host`, or the URL made of `protocol`/`hostname`/`username`/`password`. */
function connectionUrl(metadata: ComponentMetadata): string {
  const given = metadata.string('connectionString') ?? metadata.string('host');
  const hostname = metadata.string('hostname');
  if (given !== undefined) return given;
  if (hostname === undefined) throw new ComponentMetadataError('connectionString', 'is required (or hostname, with protocol, username and password)');
  const credentials = metadata.string('username') ? `${encodeURIComponent(metadata.string('username')!)}:${encodeURIComponent(metadata.string('password') ?? '')}@` : '';
  return `${metadata.string('protocol') ?? 'amqp'}://${credentials}${hostname}`;
}

function queueArgumentsOf(metadata: ComponentMetadata): Record<string, number> {
  const args: Record<string, number> = {};
  const [maxLen, maxLenBytes] = [metadata.int('maxLen', 0, { min: 0 }), metadata.int('maxLenBytes', 0, { min: 0 })];
  if (maxLen > 0) args['x-max-length'] = maxLen;
  if (maxLenBytes > 0) args['x-max-length-bytes'] = maxLenBytes;
  return args;
}

function optionsOf(metadata: ComponentMetadata, appId: string): RabbitOptions {
  return {
    url: connectionUrl(metadata),
    consumerId: metadata.string('consumerID') ?? appId,
    durable: metadata.bool('durable', false),
    deletedWhenUnused: metadata.bool('deletedWhenUnused', true),
    autoAck: metadata.bool('autoAck', false),
    persistent: metadata.int('deliveryMode', 0, { min: 0, max: 2 }) === 2,
    requeueInFailure: metadata.bool('requeueInFailure', false),
    prefetchCount: metadata.int('prefetchCount', 0, { min: 0, max: 65535 }),
    reconnectWaitMs: metadata.durationMs('reconnectWait', 3000) || 3000,
    single: metadata.oneOf('concurrencyMode', ['parallel', 'single'], 'parallel') === 'single',
    enableDeadLetter: metadata.bool('enableDeadLetter', false),
    queueArguments: queueArgumentsOf(metadata),
    exchangeKind: metadata.oneOf('exchangeKind', EXCHANGE_KINDS, 'fanout'),
    publisherConfirm: metadata.bool('publisherConfirm', false),
  };
}

export const rabbitmqPubSub: ComponentDefinition<'pubsub'> = {
  category: 'pubsub',
  type: 'pubsub.rabbitmq',
  versions: ['v1'],
  async create(metadata, context) {
    const pubsub = new RabbitPubSub(optionsOf(metadata, context.appId), context.logger);
    await pubsub.connect();
    return pubsub;
  },
};
