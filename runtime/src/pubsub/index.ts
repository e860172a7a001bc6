/**
 * The pub/sub building block. `PubSub` is the interface every pub/sub component implements;
 * `createPubSubService` is Dapr's publish API over the named components (CloudEvents, scopes,
 * bulk publish); `Subscriber` runs the app's subscriptions (programmatic from
 * `GET /dapr/subscribe`, declarative from Subscription resources) and delivers to the app with
 * Dapr's status contract, retries, dead-letter topics and bulk subscribe.
 */
import type { ComponentMetadata } from '../components/index.js';
import type { PubSub } from './component.js';
import { deliveryRetryPolicyOf } from './retry.js';
import { topicScopesOf } from './scopes.js';
import type { NamedPubSub } from './service.js';
import type { Subscription } from './subscriptions.js';

export { publishEach, asError } from './component.js';
export { DeliveryQueue } from './delivery-queue.js';
export type { PubSub, PubSubFeature, BrokerMessage, SubscribeRequest, MessageHandler, Unsubscribe } from './component.js';
export { createPubSubService } from './service.js';
export type { PubSubService, PubSubServiceOptions, NamedPubSub, PublishRequest, BulkPublishFailure } from './service.js';
export { parseBulkPublishRequest } from './requests.js';
export type { BulkPublishEntry } from './requests.js';
export { Subscriber, DeliveryFailedError } from './subscriber.js';
export type { SubscriberOptions } from './subscriber.js';
export { fetchAppSubscriptions } from './app-subscriptions.js';
export { readSubscriptionResources } from './declarative.js';
export { parseProgrammaticSubscriptions, parseDeclarativeSubscriptions, SubscriptionError } from './subscriptions.js';
export type { Subscription, SubscriptionKind, RouteRule, BulkSubscribeOptions } from './subscriptions.js';
export { compileMatch, MatchExpressionError } from './match.js';
export type { Matcher } from './match.js';
export { DEFAULT_DELIVERY_RETRY } from './retry.js';
export type { DeliveryRetryPolicy } from './retry.js';
export { CLOUDEVENTS_CONTENT_TYPE } from './cloudevents.js';

/** A loaded component with the scopes and retry policy its metadata sets. */
export function namedPubSub(name: string, pubsub: PubSub, metadata: ComponentMetadata, appId: string): NamedPubSub {
  return { name, pubsub, scopes: topicScopesOf(metadata, appId), retry: deliveryRetryPolicyOf(metadata) };
}

/** A subscription as `GET /v1.0/metadata` lists it (Dapr's field names). */
export function describeSubscription(subscription: Subscription): Record<string, unknown> {
  return {
    pubsubname: subscription.pubsubName,
    topic: subscription.topic,
    ...(Object.keys(subscription.metadata).length > 0 ? { metadata: subscription.metadata } : {}),
    rules: subscription.rules.map((rule) => (rule.match === '' ? { path: rule.path } : { match: rule.match, path: rule.path })),
    ...(subscription.deadLetterTopic !== undefined ? { deadLetterTopic: subscription.deadLetterTopic } : {}),
    type: subscription.kind,
  };
}
