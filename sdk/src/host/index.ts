/**
 * The app side of the sidecar: AppServer serves every call a sidecar makes into its app —
 * actor callbacks (`/dapr/config`, methods, timers, reminders, deactivation), pub/sub
 * subscriptions and deliveries, input binding events and configuration pushes. ActorHost is
 * the same class under its first name.
 */
export { AppServer, AppServer as ActorHost, type AppServerOptions, type ActorHostOptions, type KoaContextLike, type WaitOptions } from './host.js';
export { ActorRequestError, type ActorClass } from './activations.js';
export type { ActorSettings, ReentrancySettings, DaprActorConfig } from './config.js';
export type { CallbackErrorListener } from './routes.js';
export type { BulkSubscribeSettings, DaprSubscription, SubscribeOptions, SubscriptionRule } from './subscriptions.js';
export { DropEventError, type SubscriptionStatus, type TopicEvent, type TopicHandler } from './topic-events.js';
export type { BindingEvent, BindingHandler, ConfigurationHandler, ConfigurationUpdate } from './app-callbacks.js';
