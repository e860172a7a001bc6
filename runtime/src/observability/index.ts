/**
 * Observability of the sidecar: W3C trace context carried on every hop and spans exported with
 * OpenTelemetry (OTLP/HTTP or Zipkin, per the Configuration's `spec.tracing`), Prometheus
 * metrics on `--metrics-port`, and API logging. The composition root starts one `Telemetry`
 * and hands each building block the narrow part it reports through (`ApiObserver`,
 * `ActorTelemetry`, `Tracing`); nothing here is global.
 */
export { createTelemetry } from './telemetry.js';
export type { Telemetry, TelemetryOptions } from './telemetry.js';
export { ApiObserver } from './api-observer.js';
export { NO_ACTOR_TELEMETRY } from './actor-telemetry.js';
export type { ActorTelemetry, TurnCallback, TurnObservation } from './actor-telemetry.js';
export { SidecarMetrics } from './metrics.js';
export { withInvokeMetrics, withPublishMetrics } from './service-metrics.js';
export type { ActorCounts } from './metrics.js';
export { NO_TRACING, NOOP_SPAN, SpanKind, headersWithSpan } from './tracing.js';
export type { TraceSpan, Tracing } from './tracing.js';
export { parseObservabilitySpec, parseTracingSpec, DEFAULT_OBSERVABILITY, NO_TRACING_CONFIG, DEFAULT_SAMPLING_RATE } from './config.js';
export type { ObservabilityConfig, TracingConfig, SpanExporterConfig } from './config.js';
export { traceFieldsOf, traceIdOf, withTraceFields } from './trace-headers.js';
export type { HeaderLike, TraceHeaders } from './trace-headers.js';
