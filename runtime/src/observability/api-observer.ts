/**
 * What every API call leaves behind: a server span continuing the caller's trace (its context is
 * written back into the request's headers, so every hop the handler makes carries it on, and
 * into the response's `traceparent`, as daprd does), the latency and count metrics by route
 * template, and with API logging on one line per call. The routes name themselves
 * (`nameRoute`); a call no route took is `unmatched`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/index.js';
import type { SidecarMetrics } from './metrics.js';
import { traceIdOf } from './trace-headers.js';
import { NOOP_SPAN, SpanKind, type TraceSpan, type Tracing } from './tracing.js';

export interface ApiObserverOptions {
  readonly tracing: Tracing;
  readonly metrics: SidecarMetrics | undefined;
  readonly logger: Logger;
  /** `--enable-api-logging`: one info line per call. */
  readonly logCalls: boolean;
}

/** Health probes are neither traced nor logged (daprd omits them too); they are counted. */
const HEALTH = /^\/v1\.0\/healthz/i;

export class ApiObserver {
  readonly #routes = new WeakMap<IncomingMessage, string>();

  constructor(private readonly options: ApiObserverOptions) {}

  /** Called first on every request, before any route runs. */
  begin(req: IncomingMessage, res: ServerResponse, path: string): void {
    const startedAt = performance.now();
    const quiet = HEALTH.test(path);
    const span = quiet ? NOOP_SPAN : this.#startSpan(req, res);
    res.once('close', () => this.#finish(req, res, { path, startedAt, span, quiet }));
  }

  /** The route template that served `req`, e.g. `/v1.0/state/{storeName}`. */
  nameRoute(req: IncomingMessage, template: string): void {
    this.#routes.set(req, template);
  }

  /** A Dapr error code the call was answered with. */
  errorCode(code: string): void {
    this.options.metrics?.apiErrors.inc({ error_code: code });
  }

  #startSpan(req: IncomingMessage, res: ServerResponse): TraceSpan {
    if (!this.options.tracing.enabled) return NOOP_SPAN;
    const span = this.options.tracing.startSpan('HTTP', SpanKind.SERVER, req.headers, { 'dapr.protocol': 'http' });
    const { traceparent, tracestate } = span.context;
    if (!traceparent) return span;
    req.headers['traceparent'] = traceparent;
    if (tracestate) req.headers['tracestate'] = tracestate;
    else delete req.headers['tracestate'];
    res.setHeader('traceparent', traceparent);
    return span;
  }

  #finish(req: IncomingMessage, res: ServerResponse, call: { path: string; startedAt: number; span: TraceSpan; quiet: boolean }): void {
    const durationMs = performance.now() - call.startedAt;
    const method = req.method ?? 'GET';
    const route = this.#routes.get(req) ?? 'unmatched';
    const status = res.statusCode;
    this.options.metrics?.httpRequests.inc({ method, path: route, status });
    this.options.metrics?.httpLatency.observe({ method, path: route, status }, durationMs);
    call.span.rename(`${method} ${route}`);
    call.span.setAttributes({ 'http.request.method': method, 'http.route': route, 'http.response.status_code': status, 'dapr.api': route });
    call.span.end(status >= 500 ? `answered ${status}` : undefined);
    if (this.options.logCalls && !call.quiet) {
      const fields = { method, path: call.path, route, status, duration_ms: Math.round(durationMs * 1000) / 1000, useragent: req.headers['user-agent'], trace_id: traceIdOf(req.headers) };
      this.options.logger.info(fields, 'HTTP API Called');
    }
  }
}
