/**
 * Typed actor proxies. The type name is always given explicitly, so renaming or minifying a
 * class never changes which actor is called; the TypeScript type (a class or an interface)
 * only shapes the methods. Underneath is a Proxy whose every method is `client.actors.invoke`.
 */
import type { CallOptions } from '../client/transport.js';
import type { Actor } from './actor.js';

type Method = (...args: never[]) => unknown;

/**
 * What a caller sees of actor `T`: its methods, each returning a Promise of its awaited
 * result, with the same parameters. Fields, and what every actor inherits from `Actor`
 * (state, timers, lifecycle hooks), are left out because they cannot be called remotely.
 */
export type ActorProxy<T> = {
  readonly [K in keyof T as K extends keyof Actor ? never : T[K] extends Method ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** What a proxy needs of the client: one actor call. */
export interface ActorInvoker {
  invoke<T>(type: string, id: string, method: string, args: readonly unknown[], options?: CallOptions): Promise<T>;
}

/**
 * Names a proxy must not treat as methods: `then` (or `await proxy` would call the actor),
 * and what JSON.stringify and inspection probe for.
 */
const NOT_METHODS = new Set(['then', 'toJSON', 'constructor']);

export function createActorProxy<T>(invoker: ActorInvoker, type: string, id: string, options: CallOptions = {}): ActorProxy<T> {
  if (type === '' || id === '') throw new TypeError(`an actor needs a type and an id, got ${JSON.stringify(type)}/${JSON.stringify(id)}`);
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const method = (name: string) => {
    let call = methods.get(name);
    if (!call) methods.set(name, (call = (...args: unknown[]) => invoker.invoke(type, id, name, args, options)));
    return call;
  };
  return new Proxy(Object.create(null) as object, {
    get: (_target, name) => (typeof name === 'string' && !NOT_METHODS.has(name) ? method(name) : undefined),
  }) as ActorProxy<T>;
}
