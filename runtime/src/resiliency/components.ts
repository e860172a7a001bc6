/**
 * Outbound component policies, applied where the sidecar calls a component: the loaded
 * instance is wrapped once, so the building blocks (and the actor state store) use it unaware.
 * A store's etag answers are answers, not failures: never retried, never trip a breaker.
 */
import type { Binding, OutputBinding } from '../bindings/index.js';
import type { LoadedComponent } from '../components/index.js';
import type { ConfigurationStore } from '../configuration/index.js';
import type { LockStore } from '../lock/index.js';
import type { PubSub } from '../pubsub/index.js';
import { SecretNotFoundError, type SecretStore } from '../secrets/index.js';
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

/** A missing secret is the store's answer: not retried, not a breaker failure. */
export function resilientSecretStore(store: SecretStore, policy: Policy): SecretStore {
  const isAnswer = (err: unknown) => err instanceof SecretNotFoundError;
  return {
    features: store.features,
    get: (name, metadata) => policy.run(() => store.get(name, metadata), { isAnswer }),
    bulkGet: (metadata) => policy.run(() => store.bulkGet(metadata), { isAnswer }),
    close: () => store.close(),
  };
}

/** Reads go through the policy; a watch is a long-lived subscription and is left as it is. */
export function resilientConfigurationStore(store: ConfigurationStore, policy: Policy): ConfigurationStore {
  return {
    features: store.features,
    get: (keys, metadata) => policy.run(() => store.get(keys, metadata)),
    watch: (keys, metadata, onChange) => store.watch(keys, metadata, onChange),
    close: () => store.close(),
  };
}

/** A lock held by someone else is an answer (`false`, a status), so only failures are retried. */
export function resilientLockStore(store: LockStore, policy: Policy): LockStore {
  return {
    features: store.features,
    tryLock: (resourceId, owner, expirySeconds) => policy.run(() => store.tryLock(resourceId, owner, expirySeconds)),
    unlock: (resourceId, owner) => policy.run(() => store.unlock(resourceId, owner)),
    close: () => store.close(),
  };
}

/** The loaded components, those with an outbound policy wrapped. */
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
    case 'secretstores':
      return resilientSecretStore((component as LoadedComponent<'secretstores'>).instance, policy);
    case 'configuration':
      return resilientConfigurationStore((component as LoadedComponent<'configuration'>).instance, policy);
    case 'lock':
      return resilientLockStore((component as LoadedComponent<'lock'>).instance, policy);
    default:
      return component.instance;
  }
}
