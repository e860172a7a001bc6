/**
 * The seam between the pub/sub building block and its components. A component moves bytes
 * with string metadata between publishers and subscribers of a topic; envelopes, routing,
 * retries and the app are the building block's business.
 */

/** Features a component reports in `/v1.0/metadata` (Dapr's names). */
export type PubSubFeature = 'SUBSCRIBE_WILDCARDS' | 'MESSAGE_TTL' | 'BULK_PUBLISH';

export interface BrokerMessage {
  readonly topic: string;
  readonly data: Buffer;
  /** Publish metadata; components that can carry it hand it to subscribers unchanged. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface SubscribeRequest {
  readonly topic: string;
  /** The subscription's metadata (Dapr passes it to the component). */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * How many handler calls may be outstanding at once. Absent: the component's default (1 where
   * the broker keeps order, so the topic is delivered in order). Bulk subscriptions raise it so
   * batches can fill.
   */
  readonly maxInFlight?: number;
}

/**
 * Called once per received message. Resolving acknowledges the message; rejecting hands it
 * back to the broker, whose own redelivery then applies (documented per component).
 */
export type MessageHandler = (message: BrokerMessage) => Promise<void>;

/** Stops one subscription: no handler call starts after it resolves. */
export type Unsubscribe = () => Promise<void>;

/**
 * Error semantics: `publish` rejects when the broker did not take the message (unreachable,
 * refused); the caller may retry. `subscribe` rejects when the subscription cannot be set up.
 */
export interface PubSub {
  readonly features: readonly PubSubFeature[];
  publish(message: BrokerMessage): Promise<void>;
  /**
   * Publishes several messages of one topic in as few round trips as the broker allows; one
   * result per message, in order (undefined: taken). Optional: without it each is published alone.
   */
  publishBulk?(messages: readonly BrokerMessage[]): Promise<(Error | undefined)[]>;
  subscribe(request: SubscribeRequest, handler: MessageHandler): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** The results of publishing each message alone, for components without a batch path. */
export async function publishEach(pubsub: PubSub, messages: readonly BrokerMessage[]): Promise<(Error | undefined)[]> {
  const settled = await Promise.allSettled(messages.map((m) => pubsub.publish(m)));
  return settled.map((r) => (r.status === 'fulfilled' ? undefined : asError(r.reason)));
}

export function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
