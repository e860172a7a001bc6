/**
 * Service invocation: `/v1.0/invoke/{app}/method/{path}` and the `dapr-app-id` header form.
 * The service resolves the target and forwards verb, path, query, headers and body; the
 * AppChannel is the sidecar's pooled connection to its own app, also used by later blocks.
 */
export { createInvokeService } from './service.js';
export type { InvokeService, InvokeServiceOptions, InvokeRequest } from './service.js';
export { AppChannel, AppUnreachableError } from './app-channel.js';
export type { AppChannelOptions, AppRequest, AppResponse } from './app-channel.js';
export { forwardableHeaders } from './http-headers.js';
export type { HeaderMap } from './http-headers.js';
