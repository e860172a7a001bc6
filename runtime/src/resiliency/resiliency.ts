/**
 * The policies of one sidecar, looked up per target: an app id, an actor type (and id, by the
 * target's breaker scope), a component's outbound or inbound side. A target's named policies
 * win; for a kind it does not name, the most specific of Dapr's reserved default policies
 * (`DefaultAppRetryPolicy`, `DefaultStatestoreComponentOutboundTimeoutPolicy`, …,
 * `DefaultRetryPolicy`) applies. Circuit breakers live as long as the sidecar, one per target.
 */
import { readFile } from 'node:fs/promises';
import type { Clock } from '../clock/index.js';
import { listResourceFiles } from '../components/index.js';
import type { Logger } from '../logging/index.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import { checkReferences, emptySpec, parseResiliencyDocuments, type ActorPolicyNames, type PolicyNames, type ResiliencySpec } from './document.js';
import { Policy, type PolicyDeps } from './policy.js';

/** The component categories as Dapr's default policy names spell them. */
const CATEGORY_KEYWORDS: Readonly<Record<string, string>> = {
  state: 'Statestore',
  pubsub: 'Pubsub',
  bindings: 'Binding',
  secretstores: 'Secretstore',
  configuration: 'Configuration',
  lock: 'Lock',
};

export interface ResiliencyDeps extends PolicyDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

export class Resiliency {
  readonly #policies = new Map<string, Policy | undefined>();
  /** Per actor type, the breakers of its ids in least-recently-used order. */
  readonly #actorBreakers = new Map<string, Map<string, CircuitBreaker>>();

  constructor(
    private readonly spec: ResiliencySpec,
    private readonly deps: ResiliencyDeps,
  ) {}

  /** Service invocation of `appId` (this app included). */
  app(appId: string): Policy | undefined {
    return this.#cached(`app/${appId}`, () => this.#build(`app ${appId}`, this.spec.apps.get(appId), ['App', '']));
  }

  /** A method call on an actor; the breaker is the type's, the id's or both, as the target says. */
  actor(type: string, id: string): Policy | undefined {
    const names = this.spec.actors.get(type);
    const shared = this.#cached(`actor/${type}`, () => this.#build(`actor type ${type}`, names, ['Actor', '']));
    if (!shared || !names?.circuitBreaker || names.circuitBreakerScope === 'type') return shared;
    const idBreaker = this.#actorIdBreaker(type, id, names);
    const breakers = names.circuitBreakerScope === 'both' ? [...(shared.parts.breakers ?? []), idBreaker] : [idBreaker];
    return new Policy({ ...shared.parts, breakers }, this.deps);
  }

  /** Calls from the sidecar to a component: state operations, publishing, output bindings. */
  componentOutbound(name: string, category: string): Policy | undefined {
    return this.#component(name, category, 'outbound');
  }

  /** Calls from a component to the app: pub/sub deliveries. */
  componentInbound(name: string, category: string): Policy | undefined {
    return this.#component(name, category, 'inbound');
  }

  #component(name: string, category: string, direction: 'outbound' | 'inbound'): Policy | undefined {
    const side = direction === 'outbound' ? 'Outbound' : 'Inbound';
    const keywords = [`${CATEGORY_KEYWORDS[category] ?? ''}Component${side}`, `Component${side}`, 'Component', ''];
    const names = this.spec.components.get(name)?.[direction];
    return this.#cached(`component/${name}/${direction}`, () => this.#build(`component ${name} ${direction}`, names, keywords));
  }

  #cached(key: string, build: () => Policy | undefined): Policy | undefined {
    if (!this.#policies.has(key)) this.#policies.set(key, build());
    return this.#policies.get(key);
  }

  /** The target's policies, falling back kind by kind to the reserved defaults; undefined if none applies. */
  #build(target: string, names: PolicyNames | undefined, keywords: readonly string[]): Policy | undefined {
    const pick = <T>(named: string | undefined, kind: string, from: Map<string, T>): [string, T] | undefined => {
      const name = named ?? keywords.map((k) => `Default${k}${kind}Policy`).find((n) => from.has(n));
      return name === undefined ? undefined : [name, from.get(name)!];
    };
    const timeout = pick(names?.timeout, 'Timeout', this.spec.timeouts);
    const retry = pick(names?.retry, 'Retry', this.spec.retries);
    const breaker = pick(names?.circuitBreaker, 'CircuitBreaker', this.spec.circuitBreakers);
    if (!timeout && !retry && !breaker) return undefined;
    const breakers = breaker ? [this.#breaker(target, breaker[1])] : [];
    return new Policy({ timeoutMs: timeout?.[1], retry: retry?.[1], breakers }, this.deps);
  }

  #breaker(target: string, spec: ConstructorParameters<typeof CircuitBreaker>[0]): CircuitBreaker {
    const onChange = (state: BreakerState) => this.deps.logger.info({ target, state }, `circuit breaker is ${state}`);
    return new CircuitBreaker(spec, this.deps.clock, onChange);
  }

  /** Per-id breakers, the least recently used dropped past the target's cache size. */
  #actorIdBreaker(type: string, id: string, names: ActorPolicyNames): CircuitBreaker {
    const ofType = this.#actorBreakers.get(type) ?? new Map<string, CircuitBreaker>();
    this.#actorBreakers.set(type, ofType);
    const breaker = ofType.get(id) ?? this.#breaker(`actor ${type}/${id}`, this.spec.circuitBreakers.get(names.circuitBreaker!)!);
    ofType.delete(id);
    ofType.set(id, breaker);
    if (ofType.size > names.circuitBreakerCacheSize) ofType.delete(ofType.keys().next().value!);
    return breaker;
  }
}

/** Reads every Resiliency resource in the resources folders that applies to `appId`. */
export async function readResiliency(paths: readonly string[], appId: string, deps: ResiliencyDeps): Promise<Resiliency> {
  const spec = emptySpec();
  for (const dir of paths) {
    for (const file of await listResourceFiles(dir)) parseResiliencyDocuments(await readFile(file, 'utf8'), file, appId, spec);
  }
  checkReferences(spec);
  return new Resiliency(spec, deps);
}
