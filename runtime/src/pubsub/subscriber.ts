/**
 * Runs subscriptions: subscribes each to its component, turns every received message into a
 * delivery to the app (single or in batches), retries by the component's policy, and settles
 * the message: acknowledged, sent to the dead-letter topic, or handed back to the broker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock/index.js';
import { describeError } from '../errors/index.js';
import type { AppChannel } from '../invoke/index.js';
import type { Logger } from '../logging/index.js';
import type { Policy } from '../resiliency/index.js';
import { postEvent, type DeliveryResult } from './app-delivery.js';
import { Batcher, newEntryId, postBatch, type BulkEntry } from './bulk.js';
import { CloudEventError, hasExpired, receiveCloudEvent, type ReceivedEvent } from './cloudevents.js';
import type { BrokerMessage, MessageHandler, Unsubscribe } from './component.js';
import { retryDelayMs, type DeliveryRetryPolicy } from './retry.js';
import type { NamedPubSub } from './service.js';
import { isRawPayload, routeFor, type Subscription } from './subscriptions.js';

/** The delivery failed for good and no dead-letter topic is set: the broker's redelivery applies. */
export class DeliveryFailedError extends Error {
  override readonly name = 'DeliveryFailedError';
}

export interface SubscriberOptions {
  readonly appChannel: AppChannel;
  readonly pubsubs: readonly NamedPubSub[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Told how every delivery ended (for the ingress metric). */
  readonly onSettled?: (pubsubName: string, topic: string, outcome: DeliveryResult['outcome']) => void;
}

/** A message ready for the app, or why it never can be. */
type Prepared = { readonly received: ReceivedEvent; readonly path: string } | { readonly undeliverable: string };

interface Pending {
  readonly message: BrokerMessage;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

interface Running {
  readonly subscription: Subscription;
  readonly unsubscribe: Unsubscribe;
  readonly batcher?: Batcher<Pending>;
}

export class Subscriber {
  readonly #running: Running[] = [];
  readonly #closing = new AbortController();

  constructor(private readonly options: SubscriberOptions) {}

  /** Starts every subscription it can; one that cannot start is logged and skipped. */
  async start(subscriptions: readonly Subscription[]): Promise<void> {
    for (const subscription of subscriptions) {
      try {
        const running = await this.#subscribe(subscription);
        if (running) this.#running.push(running);
      } catch (err) {
        this.options.logger.error({ pubsub: subscription.pubsubName, topic: subscription.topic, err: describeError(err) }, 'could not subscribe');
      }
    }
  }

  /** The subscriptions that are running, for the metadata API. */
  list(): Subscription[] {
    return this.#running.map((r) => r.subscription);
  }

  async close(): Promise<void> {
    this.#closing.abort();
    for (const running of this.#running.splice(0)) {
      running.batcher?.close();
      await running.unsubscribe().catch(() => undefined);
    }
  }

  async #subscribe(subscription: Subscription): Promise<Running | undefined> {
    const { logger } = this.options;
    const named = this.options.pubsubs.find((p) => p.name === subscription.pubsubName);
    const where = { pubsub: subscription.pubsubName, topic: subscription.topic };
    if (!named) {
      logger.warn(where, 'a subscription names a pubsub component that is not loaded; ignored');
      return undefined;
    }
    if (!named.scopes.canSubscribe(subscription.topic)) {
      logger.warn(where, 'this app may not subscribe to the topic (subscriptionScopes / allowedTopics / protectedTopics); ignored');
      return undefined;
    }
    const batcher = subscription.bulk ? new Batcher<Pending>(subscription.bulk, (items) => void this.#deliverBatch(subscription, named, items)) : undefined;
    const handler: MessageHandler = batcher
      ? (message) => new Promise<void>((resolve, reject) => batcher.add({ message, resolve, reject }))
      : (message) => this.#deliverOne(subscription, named, message);
    const request = { topic: subscription.topic, metadata: subscription.metadata, ...(subscription.bulk ? { maxInFlight: subscription.bulk.maxMessagesCount } : {}) };
    const unsubscribe = await named.pubsub.subscribe(request, handler);
    logger.info({ ...where, routes: subscription.rules.map((r) => r.path), bulk: subscription.bulk !== undefined }, 'subscribed');
    return { subscription, unsubscribe, ...(batcher ? { batcher } : {}) };
  }

  #prepare(subscription: Subscription, message: BrokerMessage): Prepared {
    let received: ReceivedEvent;
    try {
      received = receiveCloudEvent(message.data, isRawPayload(subscription.metadata), { pubsubName: subscription.pubsubName, topic: subscription.topic });
    } catch (err) {
      if (err instanceof CloudEventError) return { undeliverable: err.message };
      throw err;
    }
    if (hasExpired(received.event, this.options.clock.now())) return { undeliverable: 'the message expired (ttlInSeconds)' };
    const path = routeFor(subscription, received.event);
    return path === undefined ? { undeliverable: 'no route matches the event' } : { received, path };
  }

  async #deliverOne(subscription: Subscription, named: NamedPubSub, message: BrokerMessage): Promise<void> {
    const prepared = this.#prepare(subscription, message);
    if ('undeliverable' in prepared) return this.#settle(subscription, named, message, { outcome: 'DROP', reason: prepared.undeliverable });
    const delivery = { path: prepared.path, body: prepared.received.body, event: prepared.received.event, pubsubName: named.name, metadata: message.metadata };
    const post = () => postEvent(this.options.appChannel, delivery);
    return this.#settle(subscription, named, message, await (named.inbound ? this.#underPolicy(named.inbound, post) : this.#withRetries(named.retry, post)));
  }

  async #withRetries(policy: DeliveryRetryPolicy, post: () => Promise<DeliveryResult>): Promise<DeliveryResult> {
    let result = await post();
    for (let retry = 1; result.outcome === 'RETRY' && retry <= policy.maxRetries; retry++) {
      await this.#pause(policy, retry);
      result = await post();
    }
    return result;
  }

  /** An open circuit or a timeout is a delivery to retry later: the dead-letter topic or the broker takes over. */
  #underPolicy(policy: Policy, post: () => Promise<DeliveryResult>): Promise<DeliveryResult> {
    return policy
      .run(post, { isFailure: (result) => result.outcome === 'RETRY', signal: this.#closing.signal })
      .catch((err: unknown): DeliveryResult => ({ outcome: 'RETRY', reason: describeError(err) }));
  }

  async #deliverBatch(subscription: Subscription, named: NamedPubSub, items: readonly Pending[]): Promise<void> {
    const byPath = new Map<string, Array<{ pending: Pending; entry: BulkEntry }>>();
    for (const pending of items) {
      const prepared = this.#prepare(subscription, pending.message);
      if ('undeliverable' in prepared) {
        this.#finish(pending, this.#settle(subscription, named, pending.message, { outcome: 'DROP', reason: prepared.undeliverable }));
        continue;
      }
      const entry = { entryId: newEntryId(), body: pending.message.data, raw: isRawPayload(subscription.metadata), event: prepared.received.event, metadata: pending.message.metadata };
      byPath.set(prepared.path, [...(byPath.get(prepared.path) ?? []), { pending, entry }]);
    }
    await Promise.all([...byPath].map(([path, group]) => this.#deliverGroup(subscription, named, path, group)));
  }

  async #deliverGroup(subscription: Subscription, named: NamedPubSub, path: string, group: Array<{ pending: Pending; entry: BulkEntry }>): Promise<void> {
    const post = (entries: readonly BulkEntry[]) => postBatch(this.options.appChannel, path, { pubsubName: named.name, topic: subscription.topic, entries });
    const results = new Map<string, DeliveryResult>();
    let remaining = group.map((g) => g.entry);
    for (let attempt = 0; remaining.length > 0; attempt++) {
      if (attempt > 0) await this.#pause(named.retry, attempt).catch(() => undefined);
      if (this.#closing.signal.aborted) break;
      for (const [id, result] of await post(remaining)) results.set(id, result);
      if (attempt >= named.retry.maxRetries) break;
      remaining = remaining.filter((e) => results.get(e.entryId)?.outcome === 'RETRY');
    }
    for (const { pending, entry } of group) this.#finish(pending, this.#settle(subscription, named, pending.message, results.get(entry.entryId)!));
  }

  #finish(pending: Pending, settling: Promise<void>): void {
    settling.then(pending.resolve, (err: unknown) => pending.reject(err instanceof Error ? err : new Error(String(err))));
  }

  /** Success acknowledges; a drop or a spent retry goes to the dead-letter topic, or back to the broker. */
  async #settle(subscription: Subscription, named: NamedPubSub, message: BrokerMessage, result: DeliveryResult): Promise<void> {
    this.options.onSettled?.(named.name, subscription.topic, result.outcome);
    if (result.outcome === 'SUCCESS') return;
    const where = { pubsub: named.name, topic: subscription.topic, reason: result.reason };
    if (subscription.deadLetterTopic !== undefined) {
      await named.pubsub.publish({ topic: subscription.deadLetterTopic, data: message.data, metadata: message.metadata });
      this.options.logger.warn({ ...where, deadLetterTopic: subscription.deadLetterTopic }, 'message sent to the dead-letter topic');
      return;
    }
    if (result.outcome === 'DROP') {
      this.options.logger.warn(where, 'message dropped');
      return;
    }
    this.options.logger.warn(where, 'delivery failed after its retries; the broker keeps the message');
    throw new DeliveryFailedError(`delivery to the app failed: ${result.reason}`);
  }

  /** Waits before a retry; rejects when the subscriber closes, so the broker keeps the message. */
  #pause(policy: DeliveryRetryPolicy, retry: number): Promise<void> {
    return sleep(retryDelayMs(policy, retry), undefined, { signal: this.#closing.signal });
  }
}
