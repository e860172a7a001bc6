/**
 * Spans, made with the OpenTelemetry SDK and exported in batches. Contexts are passed
 * explicitly (no global context manager): a span continues the W3C context of the headers it is
 * given, and callers carry the span on by sending its `traceparent` to the next hop.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { single, withTraceFields, type HeaderLike, type TraceHeaders } from './trace-headers.js';
import type { SpanExporterConfig, TracingConfig } from './config.js';

export { SpanKind };

export interface TraceSpan {
  /** The context to send to the next hop; empty when no span was made. */
  readonly context: TraceHeaders;
  readonly traceId: string | undefined;
  setAttributes(attributes: Attributes): void;
  addEvent(name: string, attributes?: Attributes): void;
  rename(name: string): void;
  /** Ends the span, marked as an error when `error` is given. */
  end(error?: string): void;
}

export interface Tracing {
  /** False when spans go nowhere (no exporter, or a sampling rate of 0): none are made. */
  readonly enabled: boolean;
  /** A span continuing the trace in `parent`'s headers, or starting a new trace. */
  startSpan(name: string, kind: SpanKind, parent: HeaderLike, attributes?: Attributes): TraceSpan;
  /** Exports what is buffered, then stops. */
  close(): Promise<void>;
}

export const NOOP_SPAN: TraceSpan = {
  context: {},
  traceId: undefined,
  setAttributes: () => {},
  addEvent: () => {},
  rename: () => {},
  end: () => {},
};

export const NO_TRACING: Tracing = { enabled: false, startSpan: () => NOOP_SPAN, close: async () => {} };

/** `headers` carrying `span` on to the next hop (unchanged when no span was made). */
export function headersWithSpan<H extends HeaderLike>(headers: H, span: TraceSpan): H {
  return withTraceFields(headers, span.context);
}

export interface TracingOptions {
  readonly serviceName: string;
  /** How long spans wait in the batch before they are sent; 5 s by default. */
  readonly exportDelayMs?: number;
}

export function createTracing(config: TracingConfig, options: TracingOptions): Tracing {
  if (config.exporters.length === 0 || config.samplingRate === 0) return NO_TRACING;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.samplingRate) }),
    spanProcessors: config.exporters.map(
      (exporter) => new BatchSpanProcessor(exporterOf(exporter, options.serviceName), { scheduledDelayMillis: options.exportDelayMs ?? 5000, maxQueueSize: 8192 }),
    ),
  });
  return new OtelTracing(provider.getTracer('outrigger'), () => provider.shutdown());
}

function exporterOf(config: SpanExporterConfig, serviceName: string): SpanExporter {
  if (config.kind === 'zipkin') return new ZipkinExporter({ url: config.url, serviceName });
  return new OTLPTraceExporter({ url: config.url, headers: { ...config.headers } });
}

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  get: (carrier: HeaderLike, key: string) => single(carrier[key]),
  keys: (carrier: HeaderLike) => Object.keys(carrier),
};

class OtelTracing implements Tracing {
  readonly enabled = true;

  constructor(
    private readonly tracer: Tracer,
    readonly close: () => Promise<void>,
  ) {}

  startSpan(name: string, kind: SpanKind, parent: HeaderLike, attributes?: Attributes): TraceSpan {
    const context = parent['traceparent'] === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, parent, headerGetter);
    return new OtelSpan(this.tracer.startSpan(name, { kind, ...(attributes ? { attributes } : {}) }, context));
  }
}

class OtelSpan implements TraceSpan {
  readonly context: TraceHeaders;
  readonly traceId: string;

  constructor(private readonly span: Span) {
    const { traceId, spanId, traceFlags, traceState } = span.spanContext();
    this.traceId = traceId;
    const traceparent = `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
    const tracestate = traceState?.serialize();
    this.context = tracestate ? { traceparent, tracestate } : { traceparent };
  }

  setAttributes(attributes: Attributes): void {
    this.span.setAttributes(attributes);
  }

  addEvent(name: string, attributes?: Attributes): void {
    this.span.addEvent(name, attributes);
  }

  rename(name: string): void {
    this.span.updateName(name);
  }

  end(error?: string): void {
    if (error !== undefined) this.span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    this.span.end();
  }
}

