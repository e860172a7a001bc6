import type { Clock } from '../clock/index.js';
import type { Logger } from '../logging/index.js';
import type { StateStore } from '../state/index.js';
import type { PubSub } from '../pubsub/index.js';
import type { SecretStore } from '../secrets/index.js';
import type { ConfigurationStore } from '../configuration/index.js';
import type { LockStore } from '../lock/index.js';
import type { Binding } from '../bindings/index.js';
import type { ComponentMetadata } from './metadata.js';

/** What each category of component provides; later building blocks add their seams here. */
export interface ComponentKinds {
  state: StateStore;
  pubsub: PubSub;
  secretstores: SecretStore;
  configuration: ConfigurationStore;
  lock: LockStore;
  bindings: Binding;
}
export type ComponentCategory = keyof ComponentKinds;

/** Everything a component may use besides its metadata. */
export interface ComponentContext {
  readonly appId: string;
  readonly namespace: string | undefined;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** One implementation of one component type: a file and a registration. */
export interface ComponentDefinition<C extends ComponentCategory = ComponentCategory> {
  readonly category: C;
  /** `<category>.<name>`, e.g. `state.redis`. */
  readonly type: string;
  /** Other type names that select it (Dapr has `state.sqlite` and `state.sqlite3`). */
  readonly aliases?: readonly string[];
  readonly versions: readonly string[];
  create(metadata: ComponentMetadata, context: ComponentContext): Promise<ComponentKinds[C]>;
}

/** The component types this process can load, keyed by type name. */
export class ComponentRegistry {
  readonly #definitions = new Map<string, ComponentDefinition>();

  register(definition: ComponentDefinition): this {
    for (const type of [definition.type, ...(definition.aliases ?? [])]) {
      if (this.#definitions.has(type)) throw new TypeError(`component type ${type} is registered twice`);
      this.#definitions.set(type, definition);
    }
    return this;
  }

  lookup(type: string): ComponentDefinition | undefined {
    return this.#definitions.get(type);
  }

  types(): string[] {
    return [...this.#definitions.keys()].sort();
  }
}
