/**
 * bench/pubsub — publish-to-delivery through the sidecar, on pubsub.in-memory and pubsub.redis
 * (Redis Streams), next to the same flow on raw ioredis (XADD, XREADGROUP COUNT, XACK) as the
 * baseline, all in one run so they share this machine's noise.
 *
 * Two flows per path:
 * - latency: one message in flight; the app's route answers SUCCESS. p50/p99 from publish call
 *   to the app receiving the event (the publisher and the app are this process, so one clock).
 * - throughput: BENCH_PUBSUB_MESSAGES messages, bulk-published in batches of BENCH_PUBSUB_BATCH
 *   with BENCH_PUBSUB_IN_FLIGHT batches in flight, delivered by bulk subscribe
 *   (maxMessagesCount = batch). msgs/s from the first publish to the last delivery.
 * Nothing here fails on slowness: it prints a table and writes bench/results/pubsub.json.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Pool } from 'undici';
import type { Benchmark } from './lib/benchmark.js';
import { keepAlivePool, readBody } from './lib/http.js';
import { deleteByPrefix, redisAddress, redisHost } from './lib/redis.js';
import { saveResults } from './lib/results.js';
import { envInt } from './lib/settings.js';
import { startSidecar } from './lib/sidecar.js';
import { percentile } from './lib/stats.js';
import { format, printTable } from './lib/table.js';
import { Teardown } from './lib/teardown.js';

interface Settings {
  readonly latencyMessages: number;
  readonly messages: number;
  readonly batch: number;
  readonly inFlight: number;
}

interface FlowResult {
  readonly path: string;
  readonly flow: 'latency' | 'throughput';
  readonly messages: number;
  readonly msgsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Latencies of delivered messages, keyed by topic; `expect` resolves when a count has arrived. */
class Arrivals {
  readonly #latencies = new Map<string, number[]>();
  readonly #waiters = new Map<string, { count: number; resolve: () => void }>();

  record(topic: string, sentAt: number): void {
    const list = this.#latencies.get(topic) ?? [];
    list.push(performance.now() - sentAt);
    this.#latencies.set(topic, list);
    const waiter = this.#waiters.get(topic);
    if (waiter && list.length >= waiter.count) waiter.resolve();
  }

  expect(topic: string, count: number, timeoutMs = 60_000): Promise<number[]> {
    const list = () => this.#latencies.get(topic) ?? [];
    if (list().length >= count) return Promise.resolve(list());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic}: ${list().length} of ${count} messages arrived in ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.set(topic, { count, resolve: () => (clearTimeout(timer), resolve(list())) });
    });
  }
}

export const benchmark: Benchmark = {
  name: 'pubsub',
  description: 'publish-to-delivery through the sidecar (in-memory, Redis Streams) against raw ioredis streams',
  run: runPubSubBench,
};

async function runPubSubBench(signal: AbortSignal): Promise<void> {
  const settings: Settings = {
    latencyMessages: envInt('BENCH_PUBSUB_LATENCY_MESSAGES', 500),
    messages: envInt('BENCH_PUBSUB_MESSAGES', 20_000),
    batch: envInt('BENCH_PUBSUB_BATCH', 100),
    inFlight: envInt('BENCH_PUBSUB_IN_FLIGHT', 8),
  };
  const runId = `bench-${process.pid}-${randomBytes(4).toString('hex')}`;
  const address = redisAddress();
  const teardown = new Teardown();
  try {
    const redis = new Redis({ ...address, lazyConnect: true });
    await redis.connect();
    teardown.add('closing the Redis client', () => redis.quit());
    teardown.add('deleting the benchmark streams', () => deleteByPrefix(redis, runId));
    const arrivals = new Arrivals();
    const app = await startApp(runId, settings, arrivals);
    teardown.add('stopping the app', () => new Promise((resolve) => app.close(resolve)));
    const sidecar = await startSidecar({
      appId: `${runId}-app`,
      components: {
        'memory.yaml': pubsubYaml('memory', 'pubsub.in-memory', {}),
        'redis.yaml': pubsubYaml('redis', 'pubsub.redis', { redisHost: redisHost(address), queueDepth: String(settings.batch * settings.inFlight) }),
      },
      args: ['--app-port', String((app.address() as AddressInfo).port)],
    });
    teardown.add('stopping the sidecar', () => sidecar.stop());
    const pool = keepAlivePool(sidecar.url, settings.inFlight);
    teardown.add('closing the HTTP pool', () => pool.close());
    await waitForSubscriptions(pool);

    const results: FlowResult[] = [];
    for (const path of ['memory', 'redis']) {
      if (signal.aborted) throw new Error('interrupted');
      results.push(await sidecarLatency(pool, arrivals, `${runId}-${path}-latency`, path, settings));
      results.push(await sidecarThroughput(pool, arrivals, `${runId}-${path}-bulk`, path, settings));
    }
    results.push(await rawLatency(redis, address, `${runId}-raw-latency`, settings));
    results.push(await rawThroughput(redis, address, `${runId}-raw-bulk`, settings));
    report(results);
    await saveResults('pubsub', { runId, settings, results });
  } finally {
    await teardown.run();
  }
}

function pubsubYaml(name: string, type: string, metadata: Record<string, string>): string {
  const entries = Object.entries(metadata).map(([k, v]) => `    - name: ${k}\n      value: "${v}"`);
  return `apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: ${type}\n  version: v1\n  metadata:${entries.length > 0 ? `\n${entries.join('\n')}` : ' []'}\n`;
}

/** The subscriber app: single routes for the latency topics, bulk routes for the throughput ones. */
async function startApp(runId: string, settings: Settings, arrivals: Arrivals): Promise<Server> {
  const subscriptions = ['memory', 'redis'].flatMap((pubsub) => [
    { pubsubname: pubsub, topic: `${runId}-${pubsub}-latency`, route: '/one' },
    { pubsubname: pubsub, topic: `${runId}-${pubsub}-bulk`, route: '/bulk', bulkSubscribe: { enabled: true, maxMessagesCount: settings.batch, maxAwaitDurationMs: 5 } },
  ]);
  const server = createServer((req, res) => void handle(req, res, subscriptions, arrivals));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, subscriptions: unknown[], arrivals: Arrivals): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString();
  res.setHeader('content-type', 'application/json');
  if (req.url === '/dapr/subscribe') return void res.end(JSON.stringify(subscriptions));
  if (req.url === '/one') {
    const event = JSON.parse(body) as { topic: string; data: { t: number } };
    arrivals.record(event.topic, event.data.t);
    return void res.end('{"status":"SUCCESS"}');
  }
  if (req.url === '/bulk') {
    const request = JSON.parse(body) as { topic: string; entries: Array<{ entryId: string; event: { data: { t: number } } }> };
    for (const entry of request.entries) arrivals.record(request.topic, entry.event.data.t);
    return void res.end(JSON.stringify({ statuses: request.entries.map((e) => ({ entryId: e.entryId, status: 'SUCCESS' })) }));
  }
  res.statusCode = 404;
  res.end();
}

async function waitForSubscriptions(pool: Pool): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const response = await pool.request({ method: 'GET', path: '/v1.0/metadata' });
    const metadata = JSON.parse(await readBody(response, 200, 'metadata')) as { subscriptions?: unknown[] };
    if ((metadata.subscriptions?.length ?? 0) >= 4) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the sidecar did not subscribe within 10 s');
}

async function sidecarLatency(pool: Pool, arrivals: Arrivals, topic: string, pubsub: string, settings: Settings): Promise<FlowResult> {
  for (let i = 0; i < settings.latencyMessages; i++) {
    const response = await pool.request({ method: 'POST', path: `/v1.0/publish/${pubsub}/${topic}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ t: performance.now() }) });
    await readBody(response, 204, 'publish');
    await arrivals.expect(topic, i + 1);
  }
  return summarise(`sidecar ${pubsub}`, 'latency', await arrivals.expect(topic, settings.latencyMessages), undefined);
}

async function sidecarThroughput(pool: Pool, arrivals: Arrivals, topic: string, pubsub: string, settings: Settings): Promise<FlowResult> {
  const started = performance.now();
  await inBatches(settings, async () => {
    const now = performance.now();
    const entries = Array.from({ length: settings.batch }, (_, i) => ({ entryId: String(i), event: { t: now }, contentType: 'application/json' }));
    const response = await pool.request({ method: 'POST', path: `/v1.0-alpha1/publish/bulk/${pubsub}/${topic}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(entries) });
    await readBody(response, 204, 'bulk publish');
  });
  const latencies = await arrivals.expect(topic, settings.messages);
  return summarise(`sidecar ${pubsub}`, 'throughput', latencies, performance.now() - started);
}

/** Runs `publishBatch` messages/batch times, `inFlight` at once. */
async function inBatches(settings: Settings, publishBatch: () => Promise<void>): Promise<void> {
  let remaining = Math.ceil(settings.messages / settings.batch);
  const worker = async () => {
    while (remaining-- > 0) await publishBatch();
  };
  await Promise.all(Array.from({ length: settings.inFlight }, worker));
}

/** The baseline: the Redis work without the sidecar, from this process (a reader connection, a writer). */
async function rawStream(address: { host: string; port: number }, topic: string, count: number, onEntry: (t: number) => void): Promise<{ stop(): Promise<void> }> {
  const reader = new Redis({ ...address });
  await reader.xgroup('CREATE', topic, 'g', '0', 'MKSTREAM');
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const reply = (await reader.xreadgroup('GROUP', 'g', 'c', 'COUNT', count, 'BLOCK', 200, 'STREAMS', topic, '>')) as [string, [string, string[]][]][] | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      for (const [, fields] of entries) onEntry((JSON.parse(fields[1]!) as { t: number }).t);
      await reader.xack(topic, 'g', ...entries.map(([id]) => id));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      reader.disconnect();
    },
  };
}

async function rawLatency(redis: Redis, address: { host: string; port: number }, topic: string, settings: Settings): Promise<FlowResult> {
  const latencies: number[] = [];
  let arrived: (() => void) | undefined;
  const stream = await rawStream(address, topic, 1, (t) => (latencies.push(performance.now() - t), arrived?.()));
  for (let i = 0; i < settings.latencyMessages; i++) {
    const got = new Promise<void>((resolve) => (arrived = resolve));
    await redis.xadd(topic, '*', 'data', JSON.stringify({ t: performance.now() }), 'metadata', '{}');
    await got;
  }
  await stream.stop();
  return summarise('raw ioredis', 'latency', latencies, undefined);
}

async function rawThroughput(redis: Redis, address: { host: string; port: number }, topic: string, settings: Settings): Promise<FlowResult> {
  const latencies: number[] = [];
  let done: (() => void) | undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const stream = await rawStream(address, topic, settings.batch, (t) => {
    latencies.push(performance.now() - t);
    if (latencies.length >= settings.messages) done?.();
  });
  const started = performance.now();
  await inBatches(settings, async () => {
    const pipeline = redis.pipeline();
    const data = JSON.stringify({ t: performance.now() });
    for (let i = 0; i < settings.batch; i++) pipeline.xadd(topic, '*', 'data', data, 'metadata', '{}');
    await pipeline.exec();
  });
  await all;
  await stream.stop();
  return summarise('raw ioredis', 'throughput', latencies, performance.now() - started);
}

function summarise(path: string, flow: FlowResult['flow'], latencies: readonly number[], wallMs: number | undefined): FlowResult {
  const sorted = Float64Array.from(latencies).sort();
  const total = wallMs ?? latencies.reduce((sum, ms) => sum + ms, 0);
  return { path, flow, messages: sorted.length, msgsPerSec: sorted.length / (total / 1000), p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

function report(results: readonly FlowResult[]): void {
  for (const flow of ['latency', 'throughput'] as const) {
    const rows = results.filter((r) => r.flow === flow);
    const raw = rows.find((r) => r.path === 'raw ioredis')!;
    console.log(`\n${flow === 'latency' ? 'Latency (one message in flight)' : 'Throughput (bulk publish + bulk subscribe)'}`);
    printTable(
      [
        { header: 'path', align: 'left' },
        { header: 'messages', align: 'right' },
        { header: 'msgs/s', align: 'right' },
        { header: 'vs raw', align: 'right' },
        { header: 'p50 ms', align: 'right' },
        { header: 'p50 vs raw', align: 'right' },
        { header: 'p99 ms', align: 'right' },
      ],
      rows.map((r) => [r.path, String(r.messages), format.rate(r.msgsPerSec), format.ratio(r.msgsPerSec / raw.msgsPerSec), format.ms(r.p50Ms), format.ratio(r.p50Ms / raw.p50Ms), format.ms(r.p99Ms)]),
    );
  }
}
