/** Sidecar readiness: components up, API listening, app port open. */
export { Readiness } from './readiness.js';
export type { ReadinessOptions } from './readiness.js';
