/**
 * `bindings.mqtt3` (MQTT 3.1.1): input subscribes to `topic` and delivers each message, with
 * the message's topic as `topic` metadata; output `create` publishes to `topic` (or the request's
 * `topic` metadata). Each face has its own client, `<consumerID>-consumer` / `-producer`, so
 * both can run at once. A message the app fails is retried `backOffMaxRetries` times (-1: until
 * it succeeds); after that it is left unacknowledged, and a broker keeping the session
 * (`cleanSession: false`, qos ≥ 1) delivers it again after the next reconnect.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MqttClient } from 'mqtt';
import type { BindingEventHandler, InputBinding, OutputBinding, OutputRequest } from '../../bindings/index.js';
import type { Logger } from '../../logging/index.js';
import { Backoff } from '../../placement-client/index.js';
import type { ComponentMetadata } from '../metadata.js';
import { connectMqtt, mqttConnectionSettings, redactedUrl, type MqttConnectionSettings } from '../mqtt-connection.js';
import { defineBinding } from './definition.js';

type QoS = 0 | 1 | 2;

const PUBLISH_TIMEOUT_MS = 10_000;

interface MqttOptions extends MqttConnectionSettings {
  readonly topic: string;
  readonly consumerId: string;
  readonly qos: QoS;
  readonly retain: boolean;
  readonly maxRetries: number;
}

class MqttOutput implements OutputBinding {
  readonly operations = ['create'] as const;

  constructor(
    private readonly client: MqttClient,
    private readonly options: MqttOptions,
  ) {}

  async invoke(request: OutputRequest): Promise<undefined> {
    // mqtt.js would queue the message until a reconnect; the caller is told now instead.
    if (!this.client.connected) throw new Error(`the MQTT broker at ${redactedUrl(this.options.url)} is not connected; reconnecting`);
    const topic = request.metadata['topic'] || this.options.topic;
    const retain = request.metadata['retain'] ? request.metadata['retain'] === 'true' : this.options.retain;
    const published = this.client.publishAsync(topic, request.data, { qos: this.options.qos, retain });
    // A connection that dies mid-publish keeps the message for a resend after the reconnect;
    // the caller is not kept waiting for that.
    await withinTimeout(published, `the MQTT broker at ${redactedUrl(this.options.url)} did not acknowledge the message within ${PUBLISH_TIMEOUT_MS / 1000}s`);
    return undefined;
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

class MqttInput implements InputBinding {
  #client: MqttClient | undefined;
  #startWith!: (handler: BindingEventHandler) => void;
  readonly #handler = new Promise<BindingEventHandler>((resolve) => (this.#startWith = resolve));

  constructor(
    private readonly options: MqttOptions,
    private readonly logger: Logger,
  ) {}

  /** Connects; messages that arrive before `start` wait for it, unacknowledged. */
  async connect(): Promise<void> {
    this.#client = await connectMqtt(this.options, `${this.options.consumerId}-consumer`, (client) => {
      // One message at a time; the PUBACK goes only once the app took it.
      client.handleMessage = (packet, done) => {
        const event = { data: Buffer.from(packet.payload), metadata: { topic: packet.topic } };
        void this.#handler.then((handler) => this.#deliver(handler, event)).then(() => done(), (err: Error) => done(err));
      };
    });
  }

  async start(handler: BindingEventHandler): Promise<void> {
    this.#startWith(handler);
    await this.#client?.subscribeAsync(this.options.topic, { qos: this.options.qos });
  }

  async close(): Promise<void> {
    await this.#client?.endAsync(true);
  }

  async #deliver(handler: BindingEventHandler, event: { data: Buffer; metadata: Record<string, string> }): Promise<void> {
    const backoff = new Backoff(200, 5000);
    for (let attempt = 0; ; attempt++) {
      try {
        await handler(event);
        return;
      } catch (err) {
        const retry = this.options.maxRetries < 0 || attempt < this.options.maxRetries;
        this.logger.warn({ topic: event.metadata['topic'], attempt, err: (err as Error).message }, retry ? 'app failed an MQTT message; retrying' : 'app failed an MQTT message; leaving it unacknowledged');
        if (!retry || this.#client?.disconnecting) throw err;
        await sleep(backoff.next(), undefined, { ref: false });
      }
    }
  }
}

async function withinTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), PUBLISH_TIMEOUT_MS)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function optionsOf(metadata: ComponentMetadata): MqttOptions {
  const qos = metadata.int('qos', 1, { min: 0, max: 2 }) as QoS;
  return {
    ...mqttConnectionSettings(metadata),
    topic: metadata.required('topic'),
    consumerId: metadata.required('consumerID'),
    qos,
    retain: metadata.bool('retain', false),
    maxRetries: metadata.int('backOffMaxRetries', 0, { min: -1 }),
  };
}

export const mqtt3Binding = defineBinding({
  type: 'bindings.mqtt3',
  async input(metadata, context) {
    const input = new MqttInput(optionsOf(metadata), context.logger);
    await input.connect();
    return input;
  },
  async output(metadata) {
    const options = optionsOf(metadata);
    return new MqttOutput(await connectMqtt(options, `${options.consumerId}-producer`), options);
  },
});
