/**
 * `bindings.rabbitmq`: output `create` sends to `queueName` through the default exchange and
 * waits for the broker's confirm; input consumes the queue, acks a message once the app took it
 * and requeues it when the app failed it (after a growing pause, so a failing app is not called
 * in a tight loop). Both declare the queue with the component's options. The connection recovers
 * by itself: while it is down, output calls fail at once and input resumes on reconnect.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options, type RecoveringChannelModel } from 'amqplib';
import type { BindingEventHandler, InputBinding, OutputBinding, OutputRequest } from '../../bindings/index.js';
import type { Logger } from '../../logging/index.js';
import { Backoff } from '../../placement-client/index.js';
import type { ComponentMetadata } from '../metadata.js';
import { defineBinding } from './definition.js';
import { requestTtlSeconds } from './request-metadata.js';

interface RabbitOptions {
  readonly url: string;
  readonly queueName: string;
  readonly queue: Options.AssertQueue;
  readonly prefetchCount: number;
  readonly contentType: string;
  readonly reconnectWaitMs: number;
}

/** One recovering connection; `setup` runs after every (re)connect and returns its channel. */
class RabbitConnection<C extends Channel> {
  #model: RecoveringChannelModel | undefined;
  #channel: C | undefined;
  #lastError = 'not connected yet';

  constructor(
    private readonly options: RabbitOptions,
    private readonly logger: Logger,
  ) {}

  get channel(): C {
    if (!this.#channel) throw new Error(`rabbitmq ${redacted(this.options.url)} is unreachable: ${this.#lastError}; reconnecting`);
    return this.#channel;
  }

  async open(setup: (model: ChannelModel) => Promise<C>): Promise<void> {
    const recovery = {
      initialDelay: 100,
      maxDelay: this.options.reconnectWaitMs,
      initialMaxRetries: 0,
      setup: async (model: ChannelModel) => {
        this.#channel = await setup(model);
      },
    };
    this.#model = await amqp.connect(this.options.url, { recovery }).catch((err: Error) => {
      throw new Error(`could not connect to rabbitmq at ${redacted(this.options.url)}: ${err.message}`);
    });
    this.#model.on('error', () => undefined);
    this.#model.on('disconnect', (err) => {
      this.#channel = undefined;
      this.#lastError = err.message;
      this.logger.warn({ err: err.message }, 'rabbitmq connection lost; reconnecting');
    });
    this.#model.on('connect', () => this.logger.info('rabbitmq connection (re)established'));
  }

  async close(): Promise<void> {
    this.#channel = undefined;
    await this.#model?.close().catch(() => undefined);
  }
}

class RabbitOutput implements OutputBinding {
  readonly operations = ['create'] as const;

  constructor(
    private readonly connection: RabbitConnection<ConfirmChannel>,
    private readonly options: RabbitOptions,
  ) {}

  async invoke(request: OutputRequest): Promise<undefined> {
    const ttl = requestTtlSeconds(request.metadata);
    const priority = request.metadata['priority'];
    const publish: Options.Publish = {
      persistent: this.options.queue.durable === true,
      contentType: request.metadata['contentType'] || this.options.contentType,
      ...(ttl !== undefined ? { expiration: String(ttl * 1000) } : {}),
      ...(priority ? { priority: Number(priority) } : {}),
    };
    const channel = this.connection.channel;
    await new Promise<void>((resolve, reject) => {
      channel.sendToQueue(this.options.queueName, request.data, publish, (err) => (err ? reject(new Error(`rabbitmq did not confirm the message: ${String(err)}`)) : resolve()));
    });
    return undefined;
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

class RabbitInput implements InputBinding {
  readonly #failures = new Backoff(200, 5000);
  readonly #connection: RabbitConnection<Channel>;
  #handler: BindingEventHandler | undefined;

  constructor(
    private readonly options: RabbitOptions,
    private readonly logger: Logger,
  ) {
    this.#connection = new RabbitConnection<Channel>(options, logger);
  }

  /** Connects and declares the queue; consuming waits for `start`, and resumes after each reconnect. */
  async connect(): Promise<void> {
    await this.#connection.open(async (model) => {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      if (this.options.prefetchCount > 0) await channel.prefetch(this.options.prefetchCount);
      await channel.assertQueue(this.options.queueName, this.options.queue);
      if (this.#handler) await this.#consume(channel, this.#handler);
      return channel;
    });
  }

  async start(handler: BindingEventHandler): Promise<void> {
    this.#handler = handler;
    await this.#consume(this.#connection.channel, handler);
  }

  async #consume(channel: Channel, handler: BindingEventHandler): Promise<void> {
    await channel.consume(this.options.queueName, (message) => message && void this.#deliver(channel, message, handler), { noAck: false });
  }

  close(): Promise<void> {
    return this.#connection.close();
  }

  async #deliver(channel: Channel, message: ConsumeMessage, handler: BindingEventHandler): Promise<void> {
    try {
      await handler({ data: message.content, metadata: {} });
      this.#failures.reset();
      channel.ack(message);
    } catch (err) {
      this.logger.warn({ queue: this.options.queueName, err: (err as Error).message }, 'app failed a rabbitmq message; requeueing it');
      await sleep(this.#failures.next(), undefined, { ref: false });
      try {
        channel.nack(message, false, true);
      } catch {
        // The channel closed meanwhile: the broker requeues the unacked message itself.
      }
    }
  }
}

function redacted(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

function optionsOf(metadata: ComponentMetadata): RabbitOptions {
  const ttl = metadata.int('ttlInSeconds', 0, { min: 0 });
  const maxPriority = metadata.int('maxPriority', 0, { min: 0, max: 255 });
  const args: Record<string, number> = {};
  if (ttl > 0) args['x-message-ttl'] = ttl * 1000;
  if (maxPriority > 0) args['x-max-priority'] = maxPriority;
  return {
    url: metadata.required('host'),
    queueName: metadata.required('queueName'),
    queue: {
      durable: metadata.bool('durable', false),
      autoDelete: metadata.bool('deleteWhenUnused', false),
      exclusive: metadata.bool('exclusive', false),
      arguments: args,
    },
    prefetchCount: metadata.int('prefetchCount', 0, { min: 0 }),
    contentType: metadata.string('contentType') ?? 'text/plain',
    reconnectWaitMs: metadata.durationMs('reconnectWait', 5_000) || 5_000,
  };
}

export const rabbitmqBinding = defineBinding({
  type: 'bindings.rabbitmq',
  async input(metadata, context) {
    const input = new RabbitInput(optionsOf(metadata), context.logger);
    await input.connect();
    return input;
  },
  async output(metadata, context) {
    const options = optionsOf(metadata);
    const connection = new RabbitConnection<ConfirmChannel>(options, context.logger);
    await connection.open(async (model) => {
      const channel = await model.createConfirmChannel();
      channel.on('error', () => undefined);
      await channel.assertQueue(options.queueName, options.queue);
      return channel;
    });
    return new RabbitOutput(connection, options);
  },
});
