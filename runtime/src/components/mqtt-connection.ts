/**
 * What MQTT components share (`bindings.mqtt3`, `pubsub.mqtt3`): Dapr's broker metadata
 * (`url` with its `tcp://`/`ssl://` schemes, `cleanSession`, `caCert`/`clientCert`/`clientKey`)
 * and a first connection that fails with the broker's reason instead of retrying for ever.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ComponentMetadataError } from './errors.js';
import type { ComponentMetadata } from './metadata.js';

const CONNECT_TIMEOUT_MS = 10_000;
/** How soon a connection that dropped after the first one is tried again. */
export const MQTT_RECONNECT_PERIOD_MS = 1000;

export interface MqttConnectionSettings {
  /** In mqtt.js's schemes (`mqtt:`, `mqtts:`, `ws:`, `wss:`). */
  readonly url: string;
  readonly cleanSession: boolean;
  readonly tls: Pick<IClientOptions, 'ca' | 'cert' | 'key'>;
}

export function mqttConnectionSettings(metadata: ComponentMetadata): MqttConnectionSettings {
  return { url: brokerUrl(metadata), cleanSession: metadata.bool('cleanSession', false), tls: tlsOf(metadata) };
}

/**
 * Connects as `clientId`, or fails with the broker's reason. `prepare` runs before the first
 * packet can arrive: a kept session may deliver messages right after the CONNACK.
 */
export async function connectMqtt(settings: MqttConnectionSettings, clientId: string, prepare: (client: MqttClient) => void = () => undefined): Promise<MqttClient> {
  const client = mqtt.connect(settings.url, {
    clientId,
    clean: settings.cleanSession,
    protocolVersion: 4,
    // No retrying until the first connection worked: a broker that is not there fails the load.
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    manualConnect: true,
    ...settings.tls,
  });
  prepare(client);
  client.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      const where = redactedUrl(settings.url);
      client.once('connect', () => resolve());
      client.once('error', (err) => reject(new Error(`could not connect to the MQTT broker at ${where}: ${err.message}`)));
      client.once('offline', () => reject(new Error(`could not connect to the MQTT broker at ${where}: it does not answer`)));
    });
  } catch (err) {
    await client.endAsync(true);
    throw err;
  }
  client.on('error', () => undefined);
  client.options.reconnectPeriod = MQTT_RECONNECT_PERIOD_MS;
  return client;
}

/** A broker URL fit for messages: no password. */
export function redactedUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** Dapr's `tcp://` and `ssl://` schemes, as mqtt.js names them. */
function brokerUrl(metadata: ComponentMetadata): string {
  const url = metadata.required('url');
  if (!/^(tcp|ssl|mqtt|mqtts|ws|wss):\/\//.test(url)) {
    throw new ComponentMetadataError('url', `must be a broker URL such as tcp://host:1883 or ssl://host:8883, got "${redactedUrl(url)}"`);
  }
  return url.replace(/^tcp:/, 'mqtt:').replace(/^ssl:/, 'mqtts:');
}

function tlsOf(metadata: ComponentMetadata): MqttConnectionSettings['tls'] {
  const [ca, cert, key] = [metadata.string('caCert'), metadata.string('clientCert'), metadata.string('clientKey')];
  if ((cert === undefined) !== (key === undefined)) throw new ComponentMetadataError(cert ? 'clientKey' : 'clientCert', 'is required with clientCert/clientKey: set both or neither');
  return { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
}
