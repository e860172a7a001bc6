/**
 * Errors that leave the sidecar through its HTTP API. `apiErrors` is Dapr's catalogue (one entry
 * per code), `ApiError` the type the error middleware maps to a response. Components and
 * services throw their own typed errors; the building block that calls them translates.
 */
export { ApiError, describeError, errorInfo, resourceInfo, badRequest } from './api-error.js';
export type { ErrorDetail } from './api-error.js';
export { apiErrors } from './catalogue.js';
