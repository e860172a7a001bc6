/**
 * `pubsub.in-memory`: topics inside this sidecar, shared with nobody and lost on restart. Each
 * subscription has its own queue, delivered in order by default. As in Dapr, a message whose
 * delivery failed (after the building block's retries) is logged and lost: there is no broker
 * to hand it back to.
 */
import type { Logger } from '../../logging/index.js';
import {
  DeliveryQueue,
  type BrokerMessage,
  type MessageHandler,
  type PubSub,
  type PubSubFeature,
  type SubscribeRequest,
  type Unsubscribe,
} from '../../pubsub/index.js';
import type { ComponentDefinition } from '../registry.js';

class InMemoryPubSub implements PubSub {
  readonly features: readonly PubSubFeature[] = [];
  readonly #subscribers = new Map<string, Set<DeliveryQueue<BrokerMessage>>>();
  #closed = false;

  constructor(private readonly logger: Logger) {}

  async publish(message: BrokerMessage): Promise<void> {
    if (this.#closed) throw new Error('the in-memory pubsub is closed');
    // A copy per publish, so a publisher reusing its buffer cannot change what subscribers read.
    const copy = { topic: message.topic, data: Buffer.from(message.data), metadata: { ...message.metadata } };
    for (const queue of this.#subscribers.get(message.topic) ?? []) queue.push(copy);
  }

  async subscribe(request: SubscribeRequest, handler: MessageHandler): Promise<Unsubscribe> {
    const queue = new DeliveryQueue<BrokerMessage>(request.maxInFlight ?? 1, (message) =>
      handler(message).catch((err: Error) => this.logger.error({ topic: message.topic, err: err.message }, 'message lost: in-memory pubsub cannot redeliver')),
    );
    const queues = this.#subscribers.get(request.topic) ?? new Set();
    queues.add(queue);
    this.#subscribers.set(request.topic, queues);
    return async () => {
      queues.delete(queue);
      queue.stop();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const queues = [...this.#subscribers.values()].flatMap((set) => [...set]);
    this.#subscribers.clear();
    for (const queue of queues) queue.stop();
  }
}

export const inMemoryPubSub: ComponentDefinition<'pubsub'> = {
  category: 'pubsub',
  type: 'pubsub.in-memory',
  versions: ['v1'],
  async create(_metadata, context) {
    return new InMemoryPubSub(context.logger);
  },
};
