/**
 * Hosting actors: ActorHost serves the callbacks a sidecar makes to an app that hosts actors
 * (`/dapr/config`, methods, timers, reminders, deactivation) for the types registered on it.
 */
export { ActorHost, type ActorHostOptions, type KoaContextLike } from './host.js';
export { ActorRequestError, type ActorClass } from './activations.js';
export type { ActorSettings, ReentrancySettings, DaprActorConfig } from './config.js';
