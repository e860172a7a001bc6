/**
 * @outrigger/sdk: a typed client for any sidecar that speaks the Dapr HTTP API v1.0. This is
 * the package's whole public face: the client, its option and result types, actors (the base
 * class, typed proxies, the host that serves them), and the errors.
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
export { Actor, type ActorContext, type ActorProxy, type ActorState, type Duration, type ReminderFire, type SetStateOptions } from './actors/index.js';
export { ActorHost, ActorRequestError, type ActorClass, type ActorHostOptions, type ActorSettings, type DaprActorConfig, type KoaContextLike, type ReentrancySettings } from './host/index.js';
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
