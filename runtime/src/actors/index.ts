/**
 * Virtual actors in the sidecar: the app's actor configuration, the table of active actors with
 * their turn locks, routing to the owner by the placement table, and the app callbacks. The
 * composition root builds one with `createActorRuntime`; the HTTP API, the peer link and the
 * placement client call into it.
 */
export { createActorRuntime } from './runtime.js';
export type { ActorRuntime, ActorRuntimeOptions, ActorInvocation } from './runtime.js';
export { fetchActorAppConfig, parseActorAppConfig } from './config/index.js';
export type { ActorAppConfig, ActorTypeSettings } from './config/index.js';
export type { ActorRef } from './keys.js';
export { actorOfHandoff, statesFromHandoff } from './timers/index.js';
