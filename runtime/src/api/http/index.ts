/**
 * The sidecar's HTTP API (Dapr v1.0): a thin Koa head over the building blocks' services.
 * Route files parse and check requests and shape responses; the services never see Koa.
 */
export { startHttpApi, createHttpApp } from './server.js';
export type { HttpApi, HttpApiOptions } from './server.js';
