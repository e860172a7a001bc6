/**
 * `pubsub.mqtt3` (MQTT 3.1.1). Publishes go out on one client, `<consumerID>-producer`, at the
 * component's `qos`; each subscription has its own client, `<consumerID>-consumer-<topic>`, so
 * one topic's slow or failing app never holds up another's. MQTT 3.1.1 carries no headers, so
 * publish metadata does not travel.
 *
 * Acknowledgement: the PUBACK of a message goes only once its handler resolved, and the next
 * message of that subscription is read only then, so a topic arrives in the broker's order. A
 * message whose handler rejected is left unacknowledged and the subscription's connection is
 * dropped: MQTT 3.1.1 brokers resend unacknowledged messages only on reconnect, and with the kept
 * session (`cleanSession: false`, qos ≥ 1) the message comes again first.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from '../../logging/index.js';
import type { BrokerMessage, MessageHandler, PubSub, PubSubFeature, SubscribeRequest, Unsubscribe } from '../../pubsub/index.js';
import type { ComponentMetadata } from '../metadata.js';
import { connectMqtt, mqttConnectionSettings, redactedUrl, type MqttConnectionSettings } from '../mqtt-connection.js';
import type { ComponentDefinition } from '../registry.js';
import { RunningSubscriptions } from './running-subscriptions.js';

type QoS = 0 | 1 | 2;

const PUBLISH_TIMEOUT_MS = 10_000;

/** A failed message comes again after MQTT_RECONNECT_PERIOD_MS: its redelivery is a reconnect. */
interface Mqtt3Options extends MqttConnectionSettings {
  readonly consumerId: string;
  readonly qos: QoS;
  readonly retain: boolean;
}

/** Publishes in flight, so a connection that closes fails them now rather than resending them later. */
class Publisher {
  readonly #inFlight = new Map<(err?: Error) => void, (reason: string) => void>();

  constructor(
    private readonly client: MqttClient,
    private readonly options: Mqtt3Options,
  ) {
    client.on('close', () => {
      for (const fail of [...this.#inFlight.values()]) fail('the connection closed before the broker acknowledged the message');
    });
  }

  send(message: BrokerMessage): Promise<void> {
    // mqtt.js would hold the message until a reconnect; the caller is told now instead.
    if (!this.client.connected) return Promise.reject(this.#refused('it is not connected (reconnecting)'));
    return new Promise<void>((resolve, reject) => {
      let failure: string | undefined;
      const timer = setTimeout(() => fail(`it did not acknowledge within ${PUBLISH_TIMEOUT_MS / 1000}s`), PUBLISH_TIMEOUT_MS);
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.#inFlight.delete(done);
        if (err || failure) reject(this.#refused(failure ?? err!.message));
        else resolve();
      };
      const fail = (reason: string) => {
        failure = reason;
        this.#forget(done);
      };
      this.#inFlight.set(done, fail);
      this.client.publish(message.topic, message.data, { qos: this.options.qos, retain: this.options.retain }, done);
    });
  }

  /** Takes the message out of mqtt.js's resend store: a publish reported failed must not arrive later. */
  #forget(done: (err?: Error) => void): void {
    const id = Object.entries(this.client.outgoing).find(([, entry]) => entry.cb === done)?.[0];
    if (id === undefined) done();
    else this.client.removeOutgoingMessage(Number(id));
  }

  #refused(reason: string): Error {
    return new Error(`the MQTT broker at ${redactedUrl(this.options.url)} did not take the message: ${reason}`);
  }
}

/** One subscription on its own client: one message at a time, acknowledged once handled. */
class TopicConsumer {
  #client: MqttClient | undefined;
  #stopped = false;

  constructor(
    private readonly request: SubscribeRequest,
    private readonly handler: MessageHandler,
    private readonly options: Mqtt3Options,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.#client = await connectMqtt(this.options, `${this.options.consumerId}-consumer-${this.request.topic}`, (client) => {
      client.handleMessage = (packet, acknowledge) => this.#receive({ topic: packet.topic, data: Buffer.from(packet.payload), metadata: {} }, acknowledge);
    });
    this.#client.on('error', (err) => this.logger.debug({ topic: this.request.topic, err: err.message }, 'MQTT consumer connection error'));
    this.#client.on('reconnect', () => this.logger.debug({ topic: this.request.topic }, 'MQTT consumer reconnecting'));
    await this.#client.subscribeAsync(this.request.topic, { qos: this.options.qos });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    // Forced: a message being handled stays unacknowledged, and the kept session has it for next time.
    await this.#client?.endAsync(true);
  }

  #receive(message: BrokerMessage, acknowledge: () => void): void {
    this.handler(message).then(acknowledge, (err: Error) => {
      if (this.#stopped) return;
      this.logger.warn({ topic: message.topic, err: err.message }, 'MQTT message not acknowledged; reconnecting so the broker sends it again');
      this.#client?.stream.destroy();
    });
  }
}

class Mqtt3PubSub implements PubSub {
  readonly features: readonly PubSubFeature[] = ['SUBSCRIBE_WILDCARDS'];
  readonly #consumers = new RunningSubscriptions<TopicConsumer>();
  readonly #publisher: Publisher;

  constructor(
    private readonly producer: MqttClient,
    private readonly options: Mqtt3Options,
    private readonly logger: Logger,
  ) {
    this.#publisher = new Publisher(producer, options);
    producer.on('error', (err) => logger.debug({ err: err.message }, 'MQTT producer connection error'));
  }

  publish(message: BrokerMessage): Promise<void> {
    return this.#publisher.send(message);
  }

  async subscribe(request: SubscribeRequest, handler: MessageHandler): Promise<Unsubscribe> {
    const consumer = new TopicConsumer(request, handler, this.options, this.logger);
    await consumer.start();
    return this.#consumers.track(consumer);
  }

  async close(): Promise<void> {
    await this.#consumers.stopAll();
    await this.producer.endAsync();
  }
}

function optionsOf(metadata: ComponentMetadata, appId: string): Mqtt3Options {
  return {
    ...mqttConnectionSettings(metadata),
    consumerId: metadata.string('consumerID') ?? appId,
    qos: metadata.int('qos', 1, { min: 0, max: 2 }) as QoS,
    retain: metadata.bool('retain', false),
  };
}

export const mqtt3PubSub: ComponentDefinition<'pubsub'> = {
  category: 'pubsub',
  type: 'pubsub.mqtt3',
  versions: ['v1'],
  async create(metadata, context) {
    const options = optionsOf(metadata, context.appId);
    return new Mqtt3PubSub(await connectMqtt(options, `${options.consumerId}-producer`), options, context.logger);
  },
};
