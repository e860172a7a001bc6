import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Owner } from '../../harness/cleanup.js';

/** One span as an OTLP/HTTP JSON export carries it, with its service's name. */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  readonly events: readonly string[];
}

export interface OtlpReceiver {
  /** `127.0.0.1:<port>`, for `spec.tracing.otel.endpointAddress`. */
  readonly address: string;
  readonly spans: ReceivedSpan[];
}

/** A collector that keeps what it is sent on `POST /v1/traces` (OTLP JSON) and answers 200. */
export async function startOtlpReceiver(t: Owner): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') spans.push(...decode(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, spans };
}

interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}

function decode(text: string): ReceivedSpan[] {
  const body = JSON.parse(text) as {
    resourceSpans: Array<{ resource: { attributes: KeyValue[] }; scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>;
  };
  return body.resourceSpans.flatMap((rs) => {
    const service = String(attributesOf(rs.resource.attributes)['service.name']);
    return rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        service,
        traceId: String(s['traceId']),
        spanId: String(s['spanId']),
        parentSpanId: (s['parentSpanId'] as string | undefined) || undefined,
        name: String(s['name']),
        attributes: attributesOf(s['attributes'] as KeyValue[]),
        events: (s['events'] as Array<{ name: string }>).map((e) => e.name),
      })),
    );
  });
}

function attributesOf(list: readonly KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((kv) => [kv.key, Object.values(kv.value)[0]]));
}

/** A Configuration file that exports every span to `receiver`. */
export function tracingConfiguration(receiver: OtlpReceiver, samplingRate = '1'): string {
  return [
    'apiVersion: dapr.io/v1alpha1',
    'kind: Configuration',
    'metadata:',
    '  name: tracing',
    'spec:',
    '  tracing:',
    `    samplingRate: "${samplingRate}"`,
    '    otel:',
    `      endpointAddress: "${receiver.address}"`,
    '      isSecure: false',
    '      protocol: http',
    '',
  ].join('\n');
}
