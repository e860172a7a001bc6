/**
 * The placement's transport: one HTTP server carrying the sidecars' websocket endpoint and the
 * state and health routes. It owns connections — decoding, the protocol's order rules, liveness
 * pings, refusals — and hands the disseminator only checked registrations, acks and departures.
 * It makes no membership decision itself. With mutual TLS it also owns identities: SPIFFE IDs
 * read from verified certificates (mtls.ts, shared with the sidecars' peer links).
 */
export { startServer } from './server.js';
export type { PlacementServer, ServerOptions } from './server.js';
export { PLACEMENT_WS_PATH } from './http-routes.js';
export { PLACEMENT_CLOSE_CODES } from './refusals.js';
export type { RefusalCode } from './refusals.js';
export * from './mtls.js';
