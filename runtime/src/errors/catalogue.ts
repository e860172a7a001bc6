/**
 * Dapr's error catalogue, as far as Outrigger serves it: one builder per error, each with the
 * code, HTTP status and message template Dapr uses (pkg/messages/predefined.go, pkg/api/errors).
 * Add an entry here rather than building an ApiError at the call site.
 */
import { ApiError, badRequest, describeError, errorInfo, resourceInfo } from './api-error.js';

export const apiErrors = {
  // Common
  malformedRequest: (detail: string) =>
    new ApiError('ERR_MALFORMED_REQUEST', 400, `failed deserializing HTTP body: ${detail}`),
  malformedQuery: (detail: string) => new ApiError('ERR_MALFORMED_REQUEST', 400, `invalid query parameter: ${detail}`),
  bodyTooLarge: (limitBytes: number) =>
    new ApiError('ERR_BODY_READ', 413, `request body is larger than the limit of ${limitBytes} bytes`),
  bodyRead: (cause: unknown) =>
    new ApiError('ERR_BODY_READ', 400, `failed to read request body: ${describeError(cause)}`, [], { cause }),
  badRequest: (message: string) => new ApiError('ERR_BAD_REQUEST', 400, message),
  internal: () => new ApiError('ERR_INTERNAL', 500, 'internal error'),
  internalDetail: (detail: string) => new ApiError('ERR_INTERNAL', 500, detail),

  // Health
  healthNotReady: (waitingFor: readonly string[]) =>
    new ApiError('ERR_HEALTH_NOT_READY', 500, `dapr is not ready: [${waitingFor.join(' ')}]`),
  healthAppIdNotMatch: () =>
    new ApiError('ERR_HEALTH_APPID_NOT_MATCH', 500, 'dapr app-id does not match'),
  outboundHealthNotReady: () =>
    new ApiError('ERR_OUTBOUND_HEALTH_NOT_READY', 500, 'dapr outbound is not ready'),

  // State
  stateStoresNotConfigured: () =>
    new ApiError('ERR_STATE_STORE_NOT_CONFIGURED', 500, 'state store is not configured', [
      errorInfo('DAPR_STATE_NOT_CONFIGURED'),
    ]),
  stateStoreNotFound: (store: string) =>
    new ApiError('ERR_STATE_STORE_NOT_FOUND', 400, `state store ${store} is not found`, [
      errorInfo('DAPR_STATE_NOT_FOUND'),
      resourceInfo('state', store),
    ]),
  stateIllegalKey: (key: string) =>
    new ApiError('ERR_MALFORMED_REQUEST', 400, `input key/keyPrefix '${key}' can't contain '||'`, [
      errorInfo('DAPR_STATE_ILLEGAL_KEY'),
      badRequest(key, `input key/keyPrefix '${key}' can't contain '||'`),
    ]),
  stateSaveEtagMismatch: (store: string, cause: unknown) =>
    new ApiError(
      'ERR_STATE_SAVE',
      409,
      `failed saving state in state store ${store}: possible etag mismatch. error from state store: ${describeError(cause)}`,
      [],
      { cause },
    ),
  stateSaveInvalidEtag: (cause: unknown) =>
    new ApiError('ERR_STATE_SAVE', 400, `invalid etag value: ${describeError(cause)}`, [], { cause }),
  stateSave: (store: string, cause: unknown) =>
    new ApiError('ERR_STATE_SAVE', 500, `failed saving state in state store ${store}: ${describeError(cause)}`, [], {
      cause,
    }),
  stateGet: (key: string, store: string, cause: unknown) =>
    new ApiError('ERR_STATE_GET', 500, `fail to get ${key} from state store ${store}: ${describeError(cause)}`, [], {
      cause,
    }),
  stateBulkGet: (store: string, cause: unknown) =>
    new ApiError('ERR_STATE_BULK_GET', 500, `failed getting state in bulk from state store ${store}: ${describeError(cause)}`, [], {
      cause,
    }),
  stateDeleteEtagMismatch: (key: string, cause: unknown) =>
    new ApiError(
      'ERR_STATE_DELETE',
      409,
      `failed deleting state with key ${key}: possible etag mismatch. error from state store: ${describeError(cause)}`,
      [],
      { cause },
    ),
  stateDeleteInvalidEtag: (cause: unknown) =>
    new ApiError('ERR_STATE_DELETE', 400, `invalid etag value: ${describeError(cause)}`, [], { cause }),
  stateDelete: (key: string, cause: unknown) =>
    new ApiError('ERR_STATE_DELETE', 500, `failed deleting state with key ${key}: ${describeError(cause)}`, [], { cause }),
  stateTransaction: (cause: unknown) =>
    new ApiError('ERR_STATE_TRANSACTION', 500, `error while executing state transaction: ${describeError(cause)}`, [], {
      cause,
    }),
  stateOperationNotSupported: (operation: string) =>
    new ApiError('ERR_NOT_SUPPORTED_STATE_OPERATION', 400, `operation type ${operation} not supported`),

  // Service invocation
  invokeNoAppId: () =>
    new ApiError(
      'ERR_DIRECT_INVOKE',
      404,
      'failed getting app id either from the URL path or the header dapr-app-id',
    ),
  invokeDenied: (appId: string, detail: string) =>
    new ApiError('ERR_DIRECT_INVOKE', 403, `failed to invoke, id: ${appId}, err: access control policy has denied access: ${detail}`),
  invokeFailed: (appId: string, detail: string) =>
    new ApiError('ERR_DIRECT_INVOKE', 500, `failed to invoke, id: ${appId}, err: ${detail}`),
  invokeInvalidMethod: (appId: string, detail: string) =>
    new ApiError('ERR_DIRECT_INVOKE', 400, `failed to invoke, id: ${appId}, err: invalid method: ${detail}`),
  /** The callee's sidecar answered with an error: passed on as it came (its code, status and message). */
  invokeCalleeFailed: (errorCode: string, status: number, message: string) => new ApiError(errorCode, status, message),

  // Actors
  actorInvoke: (detail: string) => new ApiError('ERR_ACTOR_INVOKE_METHOD', 500, `error invoke actor method: ${detail}`),
  actorNoAddress: (actorType: string, actorId: string) =>
    new ApiError('ERR_ACTOR_INVOKE_METHOD', 500, `error invoke actor method: did not find address for actor '${actorType}/${actorId}'`),
  actorStackDepth: (detail: string) => new ApiError('ERR_ACTOR_STACK_DEPTH', 500, detail),
  actorDeadlock: (detail: string) => new ApiError('ERR_ACTOR_DEADLOCK', 500, detail),
  actorMoved: (actorType: string, actorId: string) =>
    new ApiError('ERR_ACTOR_MOVED', 500, `error invoke actor method: actor '${actorType}/${actorId}' is not hosted here any more`),
  actorClosed: (detail: string) => new ApiError('ERR_ACTOR_CLOSED', 500, `error invoke actor method: ${detail}`),
  actorTypeNotHosted: (actorType: string) =>
    new ApiError('ERR_ACTOR_INVOKE_METHOD', 500, `error invoke actor method: actor type ${actorType} is not hosted by this sidecar`),
  actorInstanceMissing: (actorType: string, actorId: string) =>
    new ApiError('ERR_ACTOR_INSTANCE_MISSING', 400, `actor instance ${actorType}/${actorId} is not active on this sidecar: save its state from inside its turn`),
  actorStateGet: (cause: unknown) => new ApiError('ERR_ACTOR_STATE_GET', 500, `error getting actor state: ${describeError(cause)}`, [], { cause }),
  actorStateTransaction: (cause: unknown) =>
    new ApiError('ERR_ACTOR_STATE_TRANSACTION_SAVE', 500, `error saving actor transaction state: ${describeError(cause)}`, [], { cause }),
  actorRuntimeClosed: () => new ApiError('ERR_ACTOR_RUNTIME_CLOSED', 503, 'actor runtime is closed'),
  actorRuntimeNotFound: (detail: string) => new ApiError('ERR_ACTOR_RUNTIME_NOT_FOUND', 500, `the state store is not configured to use the actor runtime: ${detail}`),

  // Actor reminders (messages as daprd's pkg/messages/predefined.go)
  actorReminderNonHosted: () =>
    new ApiError('ERR_ACTOR_REMINDER_NON_HOSTED', 403, 'operations on actor reminders are only possible on hosted actor types'),
  actorReminderAlreadyExists: (name: string) => new ApiError('ERR_ACTOR_REMINDER_ALREADY_EXISTS', 409, `actor reminder already exists: ${name}`),
  actorReminderNotFound: (name: string) => new ApiError('ERR_ACTOR_REMINDER_NOT_FOUND', 404, `actor reminder not found: ${name}`),
  actorReminderCreate: (cause: unknown) =>
    new ApiError('ERR_ACTOR_REMINDER_CREATE', 500, `error creating actor reminder: ${describeError(cause)}`, [], { cause }),
  actorReminderGet: (cause: unknown) =>
    new ApiError('ERR_ACTOR_REMINDER_GET', 500, `error getting actor reminder: ${describeError(cause)}`, [], { cause }),
  actorReminderDelete: (cause: unknown) =>
    new ApiError('ERR_ACTOR_REMINDER_DELETE', 500, `error deleting actor reminder: ${describeError(cause)}`, [], { cause }),

  // Secrets (messages as daprd's pkg/messages/predefined.go)
  secretStoresNotConfigured: () => new ApiError('ERR_SECRET_STORES_NOT_CONFIGURED', 500, 'secret store is not configured'),
  secretStoreNotFound: (store: string) =>
    new ApiError('ERR_SECRET_STORE_NOT_FOUND', 401, `failed finding secret store with key ${store}`),
  secretPermissionDenied: (key: string, store: string) =>
    new ApiError('ERR_PERMISSION_DENIED', 403, `access denied by policy to get ${JSON.stringify(key)} from ${JSON.stringify(store)}`),
  secretGet: (key: string, store: string, cause: unknown) =>
    new ApiError('ERR_SECRET_GET', 500, `failed getting secret with key ${key} from secret store ${store}: ${describeError(cause)}`, [], { cause }),
  secretBulkGet: (store: string, cause: unknown) =>
    new ApiError('ERR_SECRET_GET', 500, `failed getting secrets from secret store ${store}: ${describeError(cause)}`, [], { cause }),

  // Configuration API
  configurationStoresNotConfigured: () =>
    new ApiError('ERR_CONFIGURATION_STORE_NOT_CONFIGURED', 500, 'configuration stores not configured'),
  configurationStoreNotFound: (store: string) =>
    new ApiError('ERR_CONFIGURATION_STORE_NOT_FOUND', 400, `configuration store ${store} not found`),
  configurationGet: (keys: readonly string[], store: string, cause: unknown) =>
    new ApiError('ERR_CONFIGURATION_GET', 500, `failed to get ${keys.join(',')} from Configuration store ${store}: ${describeError(cause)}`, [], { cause }),
  configurationSubscribe: (keys: readonly string[], store: string, cause: unknown) =>
    new ApiError('ERR_CONFIGURATION_SUBSCRIBE', 500, `failed to subscribe ${keys.join(',')} from Configuration store ${store}: ${describeError(cause)}`, [], { cause }),
  configurationUnsubscribe: (id: string, detail: string) =>
    new ApiError('ERR_CONFIGURATION_UNSUBSCRIBE', 500, `failed to unsubscribe to configuration request ${id}: ${detail}`),
  appChannelNil: () => new ApiError('ERR_APP_CHANNEL_NIL', 500, 'app channel is not initialized'),

  // Distributed lock: Dapr answers bad lock requests with ERR_MALFORMED_REQUEST, not codes of their own
  lockStoresNotConfigured: () => new ApiError('ERR_LOCK_STORE_NOT_CONFIGURED', 500, 'lock store is not configured'),
  lockStoreNotFound: (store: string) => new ApiError('ERR_LOCK_STORE_NOT_FOUND', 400, `lock store ${store} not found`),
  lockResourceIdEmpty: (store: string) => new ApiError('ERR_MALFORMED_REQUEST', 400, `ResourceId is empty in lock store ${store}`),
  lockOwnerEmpty: (store: string) => new ApiError('ERR_MALFORMED_REQUEST', 400, `LockOwner is empty in lock store ${store}`),
  lockExpiryNotPositive: (store: string) =>
    new ApiError('ERR_MALFORMED_REQUEST', 400, `ExpiryInSeconds is not positive in lock store ${store}`),
  tryLock: (cause: unknown) => new ApiError('ERR_TRY_LOCK', 500, `failed to try acquiring lock: ${describeError(cause)}`, [], { cause }),
  unlock: (cause: unknown) => new ApiError('ERR_UNLOCK', 500, `failed to release lock: ${describeError(cause)}`, [], { cause }),

  // Actor timers
  actorTimerCreate: (detail: string) => new ApiError('ERR_ACTOR_TIMER_CREATE', 500, `error creating actor timer: ${detail}`),

  // Bindings (daprd answers every output binding failure with a 500, a missing binding included)
  bindingInvoke: (name: string, cause: unknown) =>
    new ApiError('ERR_INVOKE_OUTPUT_BINDING', 500, `error invoking output binding ${name}: ${describeError(cause)}`, [], { cause }),

  // Pub/sub (daprd's pkg/api/errors/pubsub.go)
  pubsubNotConfigured: (name: string) =>
    new ApiError('ERR_PUBSUB_NOT_CONFIGURED', 400, 'pubsub is not configured', [errorInfo('DAPR_PUBSUB_NOT_CONFIGURED'), resourceInfo('pubsub', name)]),
  pubsubEmpty: () =>
    new ApiError('ERR_PUBSUB_EMPTY', 404, 'pubsub name is empty', [errorInfo('DAPR_PUBSUB_NAME_EMPTY'), resourceInfo('pubsub', '')]),
  pubsubNotFound: (name: string) =>
    new ApiError('ERR_PUBSUB_NOT_FOUND', 404, `pubsub ${name} not found`, [errorInfo('DAPR_PUBSUB_NOT_FOUND'), resourceInfo('pubsub', name)]),
  pubsubTopicEmpty: (name: string) =>
    new ApiError('ERR_TOPIC_EMPTY', 404, `topic is empty in pubsub ${name}`, [errorInfo('DAPR_PUBSUB_TOPIC_NAME_EMPTY'), resourceInfo('pubsub', name)]),
  pubsubRequestMetadata: (name: string, detail: string) =>
    new ApiError('ERR_PUBSUB_REQUEST_METADATA', 400, `failed deserializing metadata. Error: ${detail}`, [
      errorInfo('DAPR_PUBSUB_METADATA_DESERIALIZATION'),
      resourceInfo('pubsub', name),
    ]),
  pubsubCloudEventCreation: (name: string, detail: string) =>
    new ApiError('ERR_PUBSUB_CLOUD_EVENTS_SER', 500, `cannot create cloudevent: ${detail}`, [errorInfo('DAPR_PUBSUB_CLOUD_EVENT_CREATION'), resourceInfo('pubsub', name)]),
  pubsubEventsUnmarshal: (name: string, topic: string, detail: string) =>
    new ApiError('ERR_PUBSUB_EVENTS_SER', 400, `error when unmarshaling the request for topic ${topic} pubsub ${name}: ${detail}`, [
      errorInfo('DAPR_PUBSUB_UNMARSHAL_EVENTS'),
      resourceInfo('pubsub', name),
    ]),
  pubsubPublish: (name: string, topic: string, cause: unknown) =>
    new ApiError(
      'ERR_PUBSUB_PUBLISH_MESSAGE',
      500,
      `error when publishing to topic ${topic} in pubsub ${name}: ${describeError(cause)}`,
      [errorInfo('DAPR_PUBSUB_PUBLISH_MESSAGE', { topic, error: describeError(cause) }), resourceInfo('pubsub', name)],
      { cause },
    ),
  pubsubForbidden: (name: string, topic: string, appId: string) =>
    new ApiError('ERR_PUBSUB_FORBIDDEN', 403, `topic ${topic} is not allowed for app id ${appId}`, [
      errorInfo('DAPR_PUBSUB_FORBIDDEN', { topic }),
      resourceInfo('pubsub', name),
    ]),
} as const;
