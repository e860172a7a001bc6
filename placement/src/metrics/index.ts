/**
 * Prometheus metrics: the placement's own (`createPlacementMetrics`), and the one small server
 * that serves a registry at `GET /metrics`, which the runtime's sidecar uses too.
 */
export { createPlacementMetrics } from './placement-metrics.js';
export { startMetricsServer } from './server.js';
export type { MetricsServer } from './server.js';
