import type { Clock } from '../clock/index.js';
import { apiErrors, describeError } from '../errors/index.js';
import type { Policy } from '../resiliency/index.js';
import {
  CloudEventError,
  isCloudEventContentType,
  passThroughCloudEvent,
  wrapInCloudEvent,
  type Payload,
  type PublishContext,
} from './cloudevents.js';
import { publishEach, type BrokerMessage, type PubSub } from './component.js';
import { rawPayloadOf, ttlMsOf, type BulkPublishEntry } from './requests.js';
import type { DeliveryRetryPolicy } from './retry.js';
import type { TopicScopes } from './scopes.js';

/** A loaded pub/sub component with what the building block reads from its metadata. */
export interface NamedPubSub {
  readonly name: string;
  readonly pubsub: PubSub;
  readonly scopes: TopicScopes;
  readonly retry: DeliveryRetryPolicy;
  /** The component's inbound resiliency policy; it replaces `retry` for deliveries to the app. */
  readonly inbound?: Policy | undefined;
}

export interface PublishRequest extends Payload {
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

export interface BulkPublishFailure {
  readonly entryId: string;
  readonly error: string;
}

export interface PubSubService {
  /** Throws Dapr's not-found, forbidden, metadata, CloudEvent and publish errors. */
  publish(pubsubName: string, topic: string, request: PublishRequest): Promise<void>;
  /** The entries the broker did not take; empty when all were published. */
  bulkPublish(
    pubsubName: string,
    topic: string,
    entries: readonly BulkPublishEntry[],
    request: Omit<PublishRequest, 'data' | 'contentType'>,
  ): Promise<BulkPublishFailure[]>;
  /** The component, checked for existence and for the topic (Dapr's validation order). */
  target(pubsubName: string, topic: string): NamedPubSub;
}

export interface PubSubServiceOptions {
  readonly appId: string;
  readonly pubsubs: readonly NamedPubSub[];
  readonly clock: Clock;
}

export function createPubSubService(options: PubSubServiceOptions): PubSubService {
  const byName = new Map(options.pubsubs.map((p) => [p.name, p]));

  const target = (pubsubName: string, topic: string): NamedPubSub => {
    if (byName.size === 0) throw apiErrors.pubsubNotConfigured(pubsubName);
    if (pubsubName === '') throw apiErrors.pubsubEmpty();
    const named = byName.get(pubsubName);
    if (!named) throw apiErrors.pubsubNotFound(pubsubName);
    if (topic === '') throw apiErrors.pubsubTopicEmpty(pubsubName);
    if (!named.scopes.canPublish(topic)) throw apiErrors.pubsubForbidden(pubsubName, topic, options.appId);
    return named;
  };

  const toMessage = (named: NamedPubSub, topic: string, request: PublishRequest): BrokerMessage => {
    const metadata = request.metadata;
    if (rawPayloadOf(named.name, metadata)) return { topic, data: request.data, metadata };
    const context: PublishContext = { appId: options.appId, pubsubName: named.name, topic, now: options.clock.now(), traceparent: request.traceparent, tracestate: request.tracestate };
    const ttlMs = named.pubsub.features.includes('MESSAGE_TTL') ? undefined : ttlMsOf(named.name, metadata);
    try {
      const event = isCloudEventContentType(request.contentType) ? passThroughCloudEvent(request, context, ttlMs) : wrapInCloudEvent(request, context, ttlMs);
      return { topic, data: Buffer.from(JSON.stringify(event)), metadata };
    } catch (err) {
      if (err instanceof CloudEventError) throw apiErrors.pubsubCloudEventCreation(named.name, err.message);
      throw err;
    }
  };

  return {
    target,
    async publish(pubsubName, topic, request) {
      const named = target(pubsubName, topic);
      const message = toMessage(named, topic, request);
      try {
        await named.pubsub.publish(message);
      } catch (err) {
        throw apiErrors.pubsubPublish(pubsubName, topic, err);
      }
    },
    async bulkPublish(pubsubName, topic, entries, request) {
      const named = target(pubsubName, topic);
      const messages = entries.map((entry) =>
        toMessage(named, topic, { ...request, data: entry.data, contentType: entry.contentType, metadata: { ...request.metadata, ...entry.metadata } }),
      );
      const results = named.pubsub.publishBulk ? await named.pubsub.publishBulk(messages) : await publishEach(named.pubsub, messages);
      return results.flatMap((err, i) => (err ? [{ entryId: entries[i]!.entryId, error: describeError(err) }] : []));
    },
  };
}
