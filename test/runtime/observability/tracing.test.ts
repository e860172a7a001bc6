import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { startApp } from '../../harness/app.js';
import { waitUntil } from '../../harness/eventually.js';
import { resourcesDir, tempDir } from '../../harness/files.js';
import { uniqueId } from '../../harness/ids.js';
import { startPlacementProcess } from '../../harness/placement.js';
import { startSidecar } from '../../harness/sidecar.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Owner } from '../../harness/cleanup.js';
import { callActor, startActorSidecar } from './actor-sidecar.js';
import { startOtlpReceiver, tracingConfiguration, type OtlpReceiver } from './otlp-receiver.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

async function configFile(t: Owner, receiver: OtlpReceiver): Promise<string> {
  const file = join(await tempDir(t), 'config.yaml');
  await writeFile(file, tracingConfiguration(receiver));
  return file;
}

test('one trace id runs from the caller through sidecar A and sidecar B to app B', async (t) => {
  const receiver = await startOtlpReceiver(t);
  const config = await configFile(t, receiver);
  const placement = await startPlacementProcess(t);
  const appB = await startApp(t, (_req, res) => void res.end('hello'));
  const b = await startSidecar(t, { appId: uniqueId('b'), appPort: appB.port, placement: placement.address, args: ['--config', config] });
  const a = await startSidecar(t, { appId: uniqueId('a'), placement: placement.address, args: ['--config', config] });
  await waitUntil('A knows app B', async () => (await fetch(`${a.url}/v1.0/invoke/${b.appId}/method/hello`, { method: 'POST' })).status === 200, { timeoutMs: 30_000 });

  const response = await fetch(`${a.url}/v1.0/invoke/${b.appId}/method/hello`, { method: 'POST', headers: { traceparent: TRACEPARENT, tracestate: 'k=v' } });
  t.is(await response.text(), 'hello');
  t.regex(response.headers.get('traceparent') ?? '', new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`), 'the answer names the span that served it');

  const seen = appB.calls().find((r) => String(r.headers['traceparent']).includes(TRACE_ID));
  t.truthy(seen, 'app B received the caller’s trace id');
  t.is(seen!.headers['tracestate'], 'k=v');
  await waitUntil('both sidecars exported their spans', () => spansOf(receiver, TRACE_ID).length >= 2, { timeoutMs: 30_000 });
  const spanA = spansOf(receiver, TRACE_ID).find((s) => s.service === a.appId)!;
  const spanB = spansOf(receiver, TRACE_ID).find((s) => s.service === b.appId)!;
  t.is(spanA.name, 'POST /v1.0/invoke/{id}/method/*');
  t.is(spanA.parentSpanId, CALLER_SPAN);
  t.is(spanB.name, `CallLocal/${b.appId}/hello`);
  t.is(spanB.parentSpanId, spanA.spanId, 'B continues A’s span, carried in the peer message');
  t.is(String(seen!.headers['traceparent']), `00-${TRACE_ID}-${spanB.spanId}-01`, 'app B’s parent is B’s span');
});

test('an actor call runs in one turn span that shows its wait for the turn', async (t) => {
  const receiver = await startOtlpReceiver(t);
  const config = await configFile(t, receiver);
  const { app, sidecar } = await startActorSidecar(t, 'Traced', { args: ['--config', config] });
  const response = await callActor(sidecar, 'Traced', 'one', { traceparent: TRACEPARENT });
  t.is(response.status, 200);

  await waitUntil('the turn span is exported', () => spansOf(receiver, TRACE_ID).some((s) => s.name === 'CallActor/Traced/incr'), { timeoutMs: 30_000 });
  const turn = spansOf(receiver, TRACE_ID).find((s) => s.name === 'CallActor/Traced/incr')!;
  t.is(typeof turn.attributes['outrigger.turn.wait_ms'], 'number');
  t.deepEqual(turn.events, ['turn acquired']);
  t.like(turn.attributes, { 'dapr.actor.type': 'Traced', 'dapr.actor.id': 'one', 'outrigger.actor.callback': 'method' });
  const call = app.calls().find((r) => r.url.includes('/method/incr'))!;
  t.is(call.headers['traceparent'], `00-${TRACE_ID}-${turn.spanId}-01`, 'the app continues the turn’s span');
});

test('a Configuration with an unsupported otel protocol stops the sidecar with a clear message', async (t) => {
  const dir = await resourcesDir(t, {});
  const file = join(dir, 'config.yaml');
  await writeFile(file, tracingConfiguration({ address: '127.0.0.1:4318', spans: [] }).replace('protocol: http', 'protocol: grpc'));
  const error = await t.throwsAsync(startSidecar(t, { args: ['--config', file] }));
  t.regex(error.message, /spec\.tracing\.otel\.protocol "grpc" is not supported/);
});

function spansOf(receiver: OtlpReceiver, traceId: string) {
  return receiver.spans.filter((s) => s.traceId === traceId);
}

test('spans go to a Zipkin endpoint when the Configuration names one', async (t) => {
  const received: Array<{ traceId: string; name: string; localEndpoint?: { serviceName?: string } }> = [];
  const collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/api/v2/spans') received.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof received));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    collector.close(() => resolve());
    collector.closeAllConnections();
  }));
  const file = join(await tempDir(t), 'config.yaml');
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/api/v2/spans`;
  await writeFile(file, `apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: z}\nspec:\n  tracing:\n    samplingRate: "1"\n    zipkin:\n      endpointAddress: "${endpoint}"\n`);
  const sidecar = await startSidecar(t, { args: ['--config', file] });
  t.is((await fetch(`${sidecar.url}/v1.0/state/statestore/k`, { headers: { traceparent: TRACEPARENT } })).status, 204);
  await waitUntil('the span reached the Zipkin collector', () => received.some((s) => s.traceId === TRACE_ID), { timeoutMs: 30_000 });
  const span = received.find((s) => s.traceId === TRACE_ID)!;
  t.is(span.name.toLowerCase(), 'get /v1.0/state/{store}/{key}');
  t.is(span.localEndpoint?.serviceName, sidecar.appId);
});
