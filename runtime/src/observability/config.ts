/**
 * The observability sections of a Dapr Configuration: `spec.tracing` (the sampling rate and
 * where spans go: an OTLP/HTTP collector, a Zipkin endpoint, or both), `spec.metrics.enabled`
 * and `spec.logging.apiLogging.enabled`.
 */

export type SpanExporterConfig =
  | { readonly kind: 'otlp'; readonly url: string; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'zipkin'; readonly url: string };

export interface TracingConfig {
  /** 0 to 1: the share of new traces recorded. A sampled incoming trace is always recorded. */
  readonly samplingRate: number;
  readonly exporters: readonly SpanExporterConfig[];
}

/** Dapr's rate when the configuration names none. */
export const DEFAULT_SAMPLING_RATE = 0.0001;

export const NO_TRACING_CONFIG: TracingConfig = { samplingRate: DEFAULT_SAMPLING_RATE, exporters: [] };

export interface ObservabilityConfig {
  readonly tracing: TracingConfig;
  /** `spec.metrics.enabled`; true unless a file says otherwise. */
  readonly metricsEnabled: boolean;
  /** `spec.logging.apiLogging.enabled`; `--enable-api-logging` wins when given. */
  readonly apiLogging: boolean | undefined;
}

export const DEFAULT_OBSERVABILITY: ObservabilityConfig = { tracing: NO_TRACING_CONFIG, metricsEnabled: true, apiLogging: undefined };

type Fail = (reason: string) => never;

/** The sections `spec` sets replace those of `base` (an earlier file's, or the defaults). */
export function parseObservabilitySpec(spec: Record<string, unknown>, base: ObservabilityConfig, fail: Fail): ObservabilityConfig {
  const metrics = spec['metrics'] ?? spec['metric'];
  const apiLogging = ((spec['logging'] as { apiLogging?: { enabled?: unknown } } | undefined)?.apiLogging)?.enabled;
  return {
    tracing: spec['tracing'] === undefined ? base.tracing : parseTracingSpec(spec['tracing'], fail),
    metricsEnabled: flag((metrics as { enabled?: unknown } | undefined)?.enabled, 'spec.metrics.enabled', fail) ?? base.metricsEnabled,
    apiLogging: flag(apiLogging, 'spec.logging.apiLogging.enabled', fail) ?? base.apiLogging,
  };
}

function flag(raw: unknown, path: string, fail: Fail): boolean | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  return fail(`${path} must be true or false, got ${JSON.stringify(raw)}`);
}

export function parseTracingSpec(raw: unknown, fail: Fail): TracingConfig {
  if (raw === undefined || raw === null) return NO_TRACING_CONFIG;
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail('spec.tracing must be a map');
  const spec = raw as Record<string, unknown>;
  const exporters: SpanExporterConfig[] = [];
  if (spec['otel'] !== undefined) exporters.push(parseOtel(spec['otel'], fail));
  if (spec['zipkin'] !== undefined) exporters.push(parseZipkin(spec['zipkin'], fail));
  return { samplingRate: parseRate(spec['samplingRate'], fail), exporters };
}

function parseRate(raw: unknown, fail: Fail): number {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_SAMPLING_RATE;
  const rate = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) return fail(`spec.tracing.samplingRate must be a number from 0 to 1, got ${JSON.stringify(raw)}`);
  return rate;
}

/** Dapr's otel block: `endpointAddress` is `host:port` (a URL is taken as it is), `isSecure` is true by default. */
function parseOtel(raw: unknown, fail: Fail): SpanExporterConfig {
  const otel = section(raw, 'otel', fail);
  const protocol = otel['protocol'] ?? 'http';
  if (protocol !== 'http') return fail(`spec.tracing.otel.protocol ${JSON.stringify(protocol)} is not supported: use "http" (OTLP over HTTP)`);
  const endpoint = endpointOf(otel, 'otel', fail);
  const secure = otel['isSecure'] === undefined ? true : otel['isSecure'] === true || otel['isSecure'] === 'true';
  const base = /^https?:\/\//i.test(endpoint) ? endpoint : `${secure ? 'https' : 'http'}://${endpoint}`;
  const url = new URL(base);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return { kind: 'otlp', url: url.toString(), headers: parseHeaders(otel['headers'], fail) };
}

function parseZipkin(raw: unknown, fail: Fail): SpanExporterConfig {
  const endpoint = endpointOf(section(raw, 'zipkin', fail), 'zipkin', fail);
  if (!/^https?:\/\//i.test(endpoint)) return fail(`spec.tracing.zipkin.endpointAddress must be a URL such as http://localhost:9411/api/v2/spans`);
  return { kind: 'zipkin', url: endpoint };
}

/** `headers: ["name=value", …]` (or a comma-separated string), sent with every export. */
function parseHeaders(raw: unknown, fail: Fail): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : fail('spec.tracing.otel.headers must be a list of "name=value"');
  const headers: Record<string, string> = {};
  for (const item of items) {
    const at = typeof item === 'string' ? item.indexOf('=') : -1;
    if (at <= 0) return fail(`spec.tracing.otel.headers: ${JSON.stringify(item)} is not "name=value"`);
    headers[(item as string).slice(0, at).trim()] = (item as string).slice(at + 1).trim();
  }
  return headers;
}

function section(raw: unknown, name: string, fail: Fail): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`spec.tracing.${name} must be a map`);
  return raw as Record<string, unknown>;
}

function endpointOf(spec: Record<string, unknown>, name: string, fail: Fail): string {
  const endpoint = spec['endpointAddress'];
  if (typeof endpoint !== 'string' || endpoint.trim() === '') return fail(`spec.tracing.${name}.endpointAddress is required`);
  return endpoint.trim();
}
