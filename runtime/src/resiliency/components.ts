/**
 * Outbound component policies, applied where the sidecar calls a component: the loaded
 * instance is wrapped once, so the building blocks (and the actor state store) use it unaware.
 * A store's etag answers are answers, not failures: never retried, never trip a breaker.
 */
import type { Binding, OutputBinding } from '../bindings/index.js';
import type { LoadedComponent } from '../components/index.js';
import type { PubSub } from '../pubsub/index.js';
import { EtagInvalidError, EtagMismatchError, type StateStore } from '../state/index.js';
import type { Policy } from './policy.js';
import type { Resiliency } from './resiliency.js';

const isEtagAnswer = (err: unknown) => err instanceof EtagMismatchError || err instanceof EtagInvalidError;

export function resilientStateStore(store: StateStore, policy: Policy): StateStore {
  const run = <T>(operation: () => Promise<T>) => policy.run(operation, { isAnswer: isEtagAnswer });
  return {
    features: store.features,
    get: (key) => run(() => store.get(key)),
    set: (request) => run(() => store.set(request)),
    delete: (request) => run(() => store.delete(request)),
    transact: (operations) => run(() => store.transact(operations)),
    close: () => store.close(),
    ...(store.reminders ? { reminders: store.reminders } : {}),
  };
}

/** Publishing goes through the policy; subscribing is the inbound side, see the Subscriber. */
export function resilientPubSub(pubsub: PubSub, policy: Policy): PubSub {
  const publishBulk = pubsub.publishBulk?.bind(pubsub);
  return {
    features: pubsub.features,
    publish: (message) => policy.run(() => pubsub.publish(message)),
    ...(publishBulk ? { publishBulk: (messages: Parameters<typeof publishBulk>[0]) => policy.run(() => publishBulk(messages)) } : {}),
    subscribe: (request, handler) => pubsub.subscribe(request, handler),
    close: () => pubsub.close(),
  };
}

export function resilientBinding(binding: Binding, policy: Policy): Binding {
  const output = binding.output;
  const resilientOutput: OutputBinding | undefined = output && {
    operations: output.operations,
    invoke: (request) => policy.run(() => output.invoke(request)),
    close: () => output.close(),
  };
  return { features: binding.features, input: binding.input, output: resilientOutput, close: () => binding.close() };
}

/** The loaded components, those with an outbound policy wrapped (state stores, pub/subs, bindings). */
export function withOutboundPolicies(components: readonly LoadedComponent[], resiliency: Resiliency): LoadedComponent[] {
  return components.map((component) => {
    const policy = resiliency.componentOutbound(component.manifest.name, component.category);
    return policy ? { ...component, instance: wrapped(component, policy) } : component;
  });
}

function wrapped(component: LoadedComponent, policy: Policy): LoadedComponent['instance'] {
  switch (component.category) {
    case 'state':
      return resilientStateStore((component as LoadedComponent<'state'>).instance, policy);
    case 'pubsub':
      return resilientPubSub((component as LoadedComponent<'pubsub'>).instance, policy);
    case 'bindings':
      return resilientBinding((component as LoadedComponent<'bindings'>).instance, policy);
    default:
      return component.instance;
  }
}
