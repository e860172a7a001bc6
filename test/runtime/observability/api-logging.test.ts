import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';

/**
 * A metadata call, then a call that fails with a 500 (which the error exit logs before it
 * answers): once that line is out, any line the first call wrote is out too.
 */
async function callThenMark(sidecar: SidecarHandle): Promise<void> {
  await fetch(`${sidecar.url}/v1.0/metadata`);
  await fetch(`${sidecar.url}/v1.0/invoke/nobody-here/method/x`, { method: 'POST' });
  await waitUntil('the failed call is logged', () => sidecar.output().includes('API call failed'), { timeoutMs: 20_000 });
}

test('--enable-api-logging writes one line per API call with route, status and trace id', async (t) => {
  const sidecar = await startSidecar(t, { args: ['--enable-api-logging', '--log-as-json'] });
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  await fetch(`${sidecar.url}/v1.0/metadata`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
  await callThenMark(sidecar);
  // The failed call's own line comes when its response has ended, just after the mark.
  await waitUntil('the failed call has its line', () => /"route":"\/v1\.0\/invoke\/\{id\}\/method\/\*","status":500/.test(sidecar.output()), { timeoutMs: 20_000 });
  const lines = sidecar.output().split('\n').filter((l) => l.includes('"HTTP API Called"')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const metadata = lines.filter((l) => l['route'] === '/v1.0/metadata');
  t.is(metadata.length, 2);
  t.like(metadata[0], { method: 'GET', path: '/v1.0/metadata', status: 200, trace_id: traceId, app_id: sidecar.appId });
  t.is(typeof metadata[0]!['duration_ms'], 'number');
});

test('without --enable-api-logging no API call is logged', async (t) => {
  const sidecar = await startSidecar(t);
  await callThenMark(sidecar);
  t.false(sidecar.output().includes('HTTP API Called'));
});
