/** The runtime's logger: app id on every line, and the trace id on every line logged in a traced piece of work. */
import test from 'ava';
import { PassThrough } from 'node:stream';
import { createLogger, inLogScope } from '../../../runtime/src/logging/index.js';
import { createTracing, NO_TRACING } from '../../../runtime/src/observability/index.js';

function jsonLogger() {
  const out = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)));
  return { logger: createLogger({ level: 'info', json: true, appId: 'orders', destination: out }), lines };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a line logged anywhere inside a scope, across awaits, carries its trace id; outside it does not', async (t) => {
  const { logger, lines } = jsonLogger();
  logger.info('before');
  await inLogScope({ trace_id: 'abc' }, async () => {
    await tick();
    logger.child({ component: 'deep' }).warn('inside');
  });
  logger.info('after');
  await tick();
  t.like(lines[0], { msg: 'before', app_id: 'orders' });
  t.false('trace_id' in lines[0]!);
  t.like(lines[1], { msg: 'inside', app_id: 'orders', component: 'deep', trace_id: 'abc' });
  t.false('trace_id' in lines[2]!);
});

test('tracing scopes the trace id only when it is on', async (t) => {
  const { logger, lines } = jsonLogger();
  const on = createTracing({ samplingRate: 1, exporters: [{ kind: 'zipkin', url: 'http://127.0.0.1:9/api/v2/spans' }] }, { serviceName: 'orders' });
  t.teardown(() => on.close());
  on.inScope('t-on', () => logger.info('traced'));
  NO_TRACING.inScope('t-off', () => logger.info('untraced'));
  on.inScope(undefined, () => logger.info('no trace'));
  await tick();
  t.is(lines[0]!['trace_id'], 't-on');
  t.false('trace_id' in lines[1]!);
  t.false('trace_id' in lines[2]!);
});
