/**
 * Service invocation: `/v1.0/invoke/{app}/method/{path}` and the `dapr-app-id` header form.
 * The service resolves the target and forwards verb, path, query, headers and body: to this
 * sidecar's app through the AppChannel (its pooled connection to the app, also used by later
 * blocks), or to another app's sidecar over a peer link, found through the AppDirectory. The
 * invoke handler is the callee side of those links.
 */
export { createInvokeService } from './service.js';
export type { InvokeService, InvokeServiceOptions, InvokeRequest } from './service.js';
export { createInvokeHandler } from './handler.js';
export type { InvokeHandlerOptions } from './handler.js';
export { DEFAULT_RETRY } from './remote.js';
export type { AppDirectory, PeerCaller, RetryPolicy } from './remote.js';
export { DEFAULT_NAMESPACE } from './target.js';
export { AppChannel, AppUnreachableError } from './app-channel.js';
export type { AppChannelOptions, AppRequest, AppResponse } from './app-channel.js';
export { forwardableHeaders } from './http-headers.js';
export type { HeaderMap } from './http-headers.js';
