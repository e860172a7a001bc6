/**
 * @outrigger/sdk: a typed client for any sidecar that speaks the Dapr HTTP API v1.0. This is
 * the package's whole public face: the client, its option and result types, actors (the base
 * class, typed proxies), the app server that answers the sidecar's calls, and the errors.
 * The transport stays internal so it can change without breaking callers.
 */
export { OutriggerClient, type OutriggerClientOptions } from './client/client.js';
export type { CallOptions, QueryParams, QueryValue, RequestMetadata } from './client/transport.js';
export type {
  StateClient,
  BulkStateItem,
  Concurrency,
  Consistency,
  DeleteStateOptions,
  DeleteStateRequest,
  GetBulkStateOptions,
  GetStateOptions,
  SaveStateItem,
  SaveStateOptions,
  StateEntry,
  StateOptions,
  TransactionOperation,
  TransactionOptions,
} from './client/state.js';
export type { InvokeClient, HttpVerb, InvokeOptions, InvokeResponse } from './client/invoke.js';
export type {
  MetadataClient,
  ActiveActors,
  ActorRuntimeInfo,
  AppConnectionProperties,
  ComponentInfo,
  MetadataDocument,
} from './client/metadata.js';
export type { HealthClient, WaitUntilReadyOptions } from './client/health.js';
export type { ActorsClient, ActorStateOperation, ReminderOptions, TimerOptions } from './client/actors.js';
export type {
  PubSubClient,
  BulkPublishEntry,
  BulkPublishOptions,
  BulkPublishResult,
  FailedBulkEntry,
  PublishOptions,
} from './client/pubsub.js';
export type { BindingsClient, BindingResponse } from './client/bindings.js';
export type { SecretsClient, Secret, SecretOptions } from './client/secrets.js';
export type {
  ConfigurationClient,
  ConfigurationItem,
  ConfigurationItems,
  ConfigurationOptions,
  ConfigurationSubscription,
} from './client/configuration.js';
export type { LockClient, UnlockStatus } from './client/lock.js';
export { Actor, type ActorContext, type ActorProxy, type ActorState, type Duration, type ReminderFire, type SetStateOptions } from './actors/index.js';
export {
  AppServer,
  ActorHost,
  ActorRequestError,
  DropEventError,
  type ActorClass,
  type ActorHostOptions,
  type ActorSettings,
  type AppServerOptions,
  type BindingEvent,
  type BindingHandler,
  type BulkSubscribeSettings,
  type CallbackErrorListener,
  type ConfigurationHandler,
  type ConfigurationUpdate,
  type DaprActorConfig,
  type DaprSubscription,
  type KoaContextLike,
  type ReentrancySettings,
  type SubscribeOptions,
  type SubscriptionRule,
  type SubscriptionStatus,
  type TopicEvent,
  type TopicHandler,
  type WaitOptions,
} from './host/index.js';
export {
  OutriggerError,
  SidecarError,
  EtagMismatchError,
  AppError,
  ActorError,
  TransportError,
  RequestTimeoutError,
  UNKNOWN_ERROR_CODE,
  type ActorErrorInit,
  type AppErrorInit,
  type ErrorDetail,
  type SidecarErrorInit,
} from './errors.js';
