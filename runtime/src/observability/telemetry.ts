import { startMetricsServer, type MetricsServer } from '@outrigger/placement';
import type { Logger } from '../logging/index.js';
import { createActorTelemetry, type ActorTelemetry } from './actor-telemetry.js';
import { ApiObserver } from './api-observer.js';
import { SidecarMetrics } from './metrics.js';
import { createTracing, type Tracing } from './tracing.js';
import type { TracingConfig } from './config.js';

export interface TelemetryOptions {
  readonly appId: string;
  readonly tracing: TracingConfig;
  /** `--enable-metrics`, `--metrics-port` (0 picks a free one), `--metrics-listen-address`. */
  readonly metrics: { readonly enabled: boolean; readonly port: number; readonly host: string };
  /** `--enable-api-logging`. */
  readonly logApiCalls: boolean;
  readonly logger: Logger;
}

/** Tracing, metrics and API logging of one sidecar, built once by the composition root. */
export interface Telemetry {
  readonly tracing: Tracing;
  /** Absent with `--enable-metrics=false`. */
  readonly metrics: SidecarMetrics | undefined;
  readonly api: ApiObserver;
  readonly actors: ActorTelemetry;
  /**
   * Starts `GET /metrics` (once the sidecar is up, so a failed start leaves no listener) and
   * resolves with its port; undefined when metrics are off or the port was taken.
   */
  serveMetrics(): Promise<number | undefined>;
  /** Stops the metrics endpoint and exports the spans still buffered. */
  close(): Promise<void>;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const tracing = createTracing(options.tracing, { serviceName: options.appId });
  const metrics = options.metrics.enabled ? new SidecarMetrics(options.appId) : undefined;
  let server: MetricsServer | undefined;
  return {
    tracing,
    metrics,
    api: new ApiObserver({ tracing, metrics, logger: options.logger, logCalls: options.logApiCalls }),
    actors: createActorTelemetry(tracing, metrics),
    async serveMetrics() {
      server ??= metrics ? await serveMetrics(metrics, options) : undefined;
      return server?.port;
    },
    async close() {
      await server?.close();
      await tracing.close();
    },
  };
}

/**
 * A taken metrics port is not worth failing the sidecar for: two sidecars on one machine both
 * default to 9090, and the second one still serves its app. It says so and goes on without.
 */
async function serveMetrics(metrics: SidecarMetrics, options: TelemetryOptions): Promise<MetricsServer | undefined> {
  try {
    return await startMetricsServer(metrics.registry, options.metrics);
  } catch (err) {
    const { host, port } = options.metrics;
    options.logger.warn({ host, port, err: (err as Error).message }, `metrics are not served: cannot listen on ${host}:${port} (choose another --metrics-port)`);
    return undefined;
  }
}
