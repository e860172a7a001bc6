/**
 * The PubSub contract as tests: every pub/sub component calls `pubSubConformance` from its own
 * test file, so all are held to the same semantics; what a broker cannot do is declared.
 */
import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import { systemClock } from '../../../../runtime/src/clock/index.js';
import { ComponentMetadata } from '../../../../runtime/src/components/metadata.js';
import type { ComponentContext, ComponentDefinition } from '../../../../runtime/src/components/registry.js';
import { publishEach, type BrokerMessage, type PubSub } from '../../../../runtime/src/pubsub/index.js';
import { waitUntil } from '../../../harness/eventually.js';
import { uniqueId } from '../../../harness/ids.js';

export interface Abilities {
  /** The broker carries publish metadata to subscribers. */
  readonly carriesMetadata: boolean;
  /** A message whose handler rejected comes again. */
  readonly redelivers: boolean;
}

export interface ConformanceSetup {
  readonly definition: ComponentDefinition<'pubsub'>;
  readonly metadata: (t: ExecutionContext) => Record<string, string>;
  /** Topic names in this broker's syntax, unique to the test. */
  readonly topic?: (name: string) => string;
  readonly abilities: Abilities;
}

export function context(appId = uniqueId('app')): ComponentContext {
  return { appId, namespace: undefined, logger: pino({ level: 'silent' }), clock: systemClock };
}

export async function openPubSub(t: ExecutionContext, setup: ConformanceSetup, metadata: Record<string, string> = {}): Promise<PubSub> {
  const pubsub = await setup.definition.create(ComponentMetadata.from({ ...setup.metadata(t), ...metadata }), context());
  t.teardown(() => pubsub.close());
  return pubsub;
}

const message = (topic: string, text: string, metadata: Record<string, string> = {}): BrokerMessage => ({ topic, data: Buffer.from(text), metadata });

export function pubSubConformance(name: string, setup: ConformanceSetup): void {
  const topicFor = (label: string) => (setup.topic ?? ((n: string) => n))(uniqueId(label));

  test(`${name}: a published message reaches the subscriber with its bytes`, async (t) => {
    const pubsub = await openPubSub(t, setup);
    const topic = topicFor('basic');
    const received: BrokerMessage[] = [];
    await pubsub.subscribe({ topic, metadata: {} }, async (m) => void received.push(m));
    await pubsub.publish(message(topic, 'hello \u00e9', { traceparent: 'tp', custom: 'v' }));
    await waitUntil('the message arrived', () => received.length === 1, { timeoutMs: 15_000 });
    t.is(received[0]!.data.toString(), 'hello \u00e9');
    if (setup.abilities.carriesMetadata) t.like(received[0]!.metadata, { traceparent: 'tp', custom: 'v' });
  });

  test(`${name}: one handler in flight gets a topic's messages in publish order`, async (t) => {
    const pubsub = await openPubSub(t, setup);
    const topic = topicFor('order');
    const received: string[] = [];
    await pubsub.subscribe({ topic, metadata: {}, maxInFlight: 1 }, async (m) => void received.push(m.data.toString()));
    const sent = Array.from({ length: 50 }, (_, i) => String(i));
    for (const text of sent) await pubsub.publish(message(topic, text));
    await waitUntil('all arrived', () => received.length >= sent.length, { timeoutMs: 15_000 });
    t.deepEqual(received, sent);
  });

  test(`${name}: topics are separate`, async (t) => {
    const pubsub = await openPubSub(t, setup);
    const [a, b] = [topicFor('a'), topicFor('b')];
    const got: Record<string, string[]> = { [a]: [], [b]: [] };
    for (const topic of [a, b]) await pubsub.subscribe({ topic, metadata: {} }, async (m) => void got[topic]!.push(m.data.toString()));
    await pubsub.publish(message(a, 'for a'));
    await pubsub.publish(message(b, 'for b'));
    await waitUntil('both arrived', () => got[a]!.length + got[b]!.length >= 2, { timeoutMs: 15_000 });
    t.deepEqual(got[a], ['for a']);
    t.deepEqual(got[b], ['for b']);
  });

  test(`${name}: bulk publish delivers every message once`, async (t) => {
    const pubsub = await openPubSub(t, setup);
    const topic = topicFor('bulk');
    const received: string[] = [];
    await pubsub.subscribe({ topic, metadata: {}, maxInFlight: 10 }, async (m) => void received.push(m.data.toString()));
    const messages = Array.from({ length: 200 }, (_, i) => message(topic, `m${i}`));
    const results = pubsub.publishBulk ? await pubsub.publishBulk(messages) : await publishEach(pubsub, messages);
    t.deepEqual(results, messages.map(() => undefined));
    await waitUntil('all arrived', () => received.length >= messages.length, { timeoutMs: 15_000 });
    t.is(new Set(received).size, messages.length);
  });

  if (setup.abilities.redelivers) {
    test(`${name}: a message whose handler failed is delivered again`, async (t) => {
      const pubsub = await openPubSub(t, setup);
      const topic = topicFor('again');
      let attempts = 0;
      await pubsub.subscribe({ topic, metadata: {} }, async () => {
        attempts++;
        if (attempts === 1) throw new Error('first attempt fails');
      });
      await pubsub.publish(message(topic, 'retry me'));
      await waitUntil('it came a second time', () => attempts >= 2, { timeoutMs: 20_000 });
      t.pass();
    });
  }
}
