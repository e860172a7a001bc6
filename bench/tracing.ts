/**
 * bench/tracing — what full tracing costs an actor call. Two single-sidecar setups, each with an
 * app hosting `Bench`, in one run: tracing off (no Configuration), and tracing on (samplingRate
 * "1", every span batched and exported over OTLP/HTTP to a local collector that answers 204).
 * Rounds alternate between the two so background load lands on both. Reported per setup:
 * throughput and latency at BENCH_CONCURRENCY callers, and the sidecar's CPU per call.
 * Aim (from the issue): full tracing costs at most 15% of throughput.
 */
import { writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'undici';
import { startActorApp } from './lib/actor-app.js';
import type { Benchmark } from './lib/benchmark.js';
import { processCpuMs } from './lib/cpu.js';
import { keepAlivePool, readBody } from './lib/http.js';
import { runBatch, type Operation } from './lib/measure.js';
import { startNoopServer } from './lib/noop-server.js';
import { saveResults } from './lib/results.js';
import { envInt } from './lib/settings.js';
import { startSidecar } from './lib/sidecar.js';
import { Samples } from './lib/stats.js';
import { format, printTable } from './lib/table.js';
import { Teardown } from './lib/teardown.js';

const TYPE = 'Bench';
const ACTOR_STATE_STORE = ['apiVersion: dapr.io/v1alpha1', 'kind: Component', 'metadata:', '  name: actorstate', 'spec:', '  type: state.in-memory', '  version: v1', '  metadata:', '    - name: actorStateStore', '      value: "true"', ''].join('\n');

export const benchmark: Benchmark = {
  name: 'tracing',
  description: 'actor-call throughput with tracing off and with every span exported (samplingRate 1)',
  run: runTracingBench,
};

interface Setup {
  readonly name: string;
  readonly pool: Pool;
  readonly pid: number;
  readonly samples: Samples;
  cpuMs: number;
}

async function runTracingBench(signal: AbortSignal): Promise<void> {
  const ops = envInt('BENCH_OPS', 5_000);
  const rounds = envInt('BENCH_ROUNDS', 4);
  const concurrency = envInt('BENCH_CONCURRENCY', 32);
  const teardown = new Teardown();
  try {
    const collector = await startNoopServer();
    teardown.add('stopping the collector', () => collector.stop());
    const config = await tracingConfig(collector.httpPort);
    const setups = [await start(teardown, 'tracing off', [], concurrency), await start(teardown, 'tracing on (rate 1)', ['--config', config], concurrency)];
    const ids = Array.from({ length: 1_000 }, (_, i) => `actor-${i}`);
    for (const setup of setups) await runBatch(call(setup.pool, ids), ids.length * 2, concurrency, signal); // activation and warm-up
    for (let round = 0; round < rounds; round++) {
      for (const setup of setups) await timedRound(setup, call(setup.pool, ids), ops, concurrency, signal);
    }
    print(setups, concurrency);
    await saveResults('tracing', Object.fromEntries(setups.map((s) => [s.name, { ...s.samples.summary(), cpuUsPerCall: (s.cpuMs * 1000) / (ops * rounds) }])));
  } finally {
    await teardown.run();
  }
}

async function tracingConfig(collectorPort: number): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'outrigger-bench-tracing-')), 'config.yaml');
  const spec = ['  tracing:', '    samplingRate: "1"', '    otel:', `      endpointAddress: "127.0.0.1:${collectorPort}"`, '      isSecure: false', '      protocol: http'];
  await writeFile(file, ['apiVersion: dapr.io/v1alpha1', 'kind: Configuration', 'metadata:', '  name: tracing', 'spec:', ...spec, ''].join('\n'));
  return file;
}

async function start(teardown: Teardown, name: string, args: string[], connections: number): Promise<Setup> {
  const app = await startActorApp([TYPE], name);
  teardown.add(`stopping the app (${name})`, () => app.stop());
  const sidecar = await startSidecar({
    appId: `bench-${process.pid}-tracing`,
    components: { 'actorstate.yaml': ACTOR_STATE_STORE },
    args: ['--app-port', String(app.httpPort), '--metrics-port', '0', ...args],
  });
  teardown.add(`stopping the sidecar (${name})`, () => sidecar.stop());
  const pool = keepAlivePool(sidecar.url, connections);
  teardown.add(`closing the pool (${name})`, () => pool.close());
  await hosting(pool);
  return { name, pool, pid: sidecar.child.process.pid!, samples: new Samples(), cpuMs: 0 };
}

/** The app's types are registered a moment after the sidecar is ready. */
async function hosting(pool: Pool): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await pool.request(post('probe'))).statusCode !== 200) {
    if (Date.now() > deadline) throw new Error('the sidecar never hosted the actor type (see its log)');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function timedRound(setup: Setup, op: Operation, ops: number, concurrency: number, signal: AbortSignal): Promise<void> {
  const before = await processCpuMs(setup.pid);
  await runBatch(op, ops, concurrency, signal, setup.samples);
  const after = await processCpuMs(setup.pid);
  if (before !== undefined && after !== undefined) setup.cpuMs += after - before;
}

function call(pool: Pool, ids: readonly string[]): Operation {
  return async (i) => void (await readBody(await pool.request(post(ids[i % ids.length]!)), 200, 'actor call'));
}

function post(id: string) {
  return { method: 'POST' as const, path: `/v1.0/actors/${TYPE}/${id}/method/ping`, headers: { 'content-type': 'application/json' }, body: '{"n":1}' };
}

function print(setups: readonly Setup[], concurrency: number): void {
  const [off, on] = setups.map((s) => ({ ...s.samples.summary(), cpuUsPerCall: (s.cpuMs * 1000) / s.samples.summary().count }));
  printTable(
    [
      { header: `actor calls, ${concurrency} callers`, align: 'left' },
      { header: 'p50 ms', align: 'right' },
      { header: 'p99 ms', align: 'right' },
      { header: 'ops/s', align: 'right' },
      { header: 'sidecar cpu µs/call', align: 'right' },
    ],
    setups.map((s, i) => {
      const row = i === 0 ? off! : on!;
      return [s.name, format.ms(row.p50Ms), format.ms(row.p99Ms), format.rate(row.opsPerSec), row.cpuUsPerCall.toFixed(0)];
    }),
  );
  const throughputCost = 1 - on!.opsPerSec / off!.opsPerSec;
  const cpuCost = on!.cpuUsPerCall / off!.cpuUsPerCall - 1;
  console.log(`\ntracing on / off throughput: ${(on!.opsPerSec / off!.opsPerSec).toFixed(3)} (cost ${(throughputCost * 100).toFixed(1)}%); sidecar CPU per call +${(cpuCost * 100).toFixed(1)}%`);
  console.log('aim: full tracing costs at most 15% of throughput');
}
