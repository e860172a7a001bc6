/**
 * The app's programmatic subscriptions: what `GET /dapr/subscribe` lists (Dapr's v2 shape with
 * `routes.rules` when rules are given) and the delivery route each handler is served on.
 */
import { deliverBatch, deliverEvent, type TopicHandler } from './topic-events.js';
import { routePath, type AppCallback, type CallbackErrorListener } from './routes.js';

export interface BulkSubscribeSettings {
  /** Most messages in one batch (sidecar default 100). */
  readonly maxMessagesCount?: number;
  /** Longest wait for a batch to fill, in ms (sidecar default 1000). */
  readonly maxAwaitDurationMs?: number;
}

export interface SubscriptionRule<T = unknown> {
  /** A CEL expression over the event, e.g. `event.type == "order.created"`. */
  readonly match: string;
  readonly handler: TopicHandler<T>;
  /** The path this rule's events are posted to; one is made up unless given. */
  readonly route?: string;
}

export interface SubscribeOptions {
  /** The path events are posted to (for the default handler); one is made up unless given. */
  readonly route?: string;
  /** Tried in order before the default handler; the first whose `match` holds takes the event. */
  readonly rules?: readonly SubscriptionRule[];
  /** Where dropped and undeliverable messages go, on the same pubsub. */
  readonly deadLetterTopic?: string;
  /** Subscription metadata, e.g. `{ rawPayload: 'true' }`. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Take messages in batches; the handler still sees one event at a time. */
  readonly bulk?: boolean | BulkSubscribeSettings;
}

/** One entry of `GET /dapr/subscribe`, as Dapr reads it. */
export interface DaprSubscription {
  readonly pubsubname: string;
  readonly topic: string;
  readonly route?: string;
  readonly routes?: { readonly rules: ReadonlyArray<{ readonly match: string; readonly path: string }>; readonly default: string };
  readonly metadata?: Readonly<Record<string, string>>;
  readonly deadLetterTopic?: string;
  readonly bulkSubscribe?: { readonly enabled: true } & BulkSubscribeSettings;
}

/** A route to serve for a new subscription. */
export interface SubscriptionRoute {
  readonly path: string;
  readonly callback: AppCallback;
}

/** The entry for `/dapr/subscribe` and the routes serving it; refuses an empty pubsub or topic. */
export function subscription(pubsub: string, topic: string, handler: TopicHandler, options: SubscribeOptions, onError: CallbackErrorListener): { entry: DaprSubscription; routes: SubscriptionRoute[] } {
  if (typeof pubsub !== 'string' || pubsub === '' || typeof topic !== 'string' || topic === '') throw new TypeError('subscribe needs a pubsub name and a topic');
  const base = routePath(options.route ?? `dapr-pubsub/${encodeURIComponent(pubsub)}/${encodeURIComponent(topic)}`);
  const deliver = options.bulk ? deliverBatch : deliverEvent;
  const serve = (path: string, topicHandler: TopicHandler): SubscriptionRoute => ({ path, callback: (request) => deliver(topicHandler, request, onError, `${pubsub}/${topic} ${path}`) });
  const rules = (options.rules ?? []).map((rule, i) => ({ match: rule.match, path: routePath(rule.route ?? `${base}/rules/${i}`), handler: rule.handler }));
  const entry: DaprSubscription = {
    pubsubname: pubsub,
    topic,
    ...(rules.length > 0 ? { routes: { rules: rules.map(({ match, path }) => ({ match, path })), default: base } } : { route: base }),
    ...(options.metadata ? { metadata: options.metadata } : {}),
    ...(options.deadLetterTopic ? { deadLetterTopic: options.deadLetterTopic } : {}),
    ...(options.bulk ? { bulkSubscribe: { enabled: true, ...(options.bulk === true ? {} : options.bulk) } } : {}),
  };
  return { entry, routes: [serve(base, handler), ...rules.map((rule) => serve(rule.path, rule.handler))] };
}
