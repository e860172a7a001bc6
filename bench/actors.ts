/**
 * bench/actors — actor calls through Outrigger, next to a raw loopback HTTP round trip measured in
 * the same run (the floor: no sidecar can beat one hop).
 *
 * Two sidecars form one cluster (a shared embedded placement), each with an app that hosts the
 * `Bench` type and answers at once. From sidecar A:
 * - local: actors A owns — app → sidecar → app (the turn lock, the table, one callback);
 * - remote: actors B owns — app → sidecar A → peer link → sidecar B → app;
 * - activation: first calls to fresh ids (the activation path), with BENCH_CONCURRENCY in flight;
 * - throughput: BENCH_ACTORS actors, BENCH_CONCURRENCY callers, through sidecar A.
 * Beside the wall-clock figures it reports the CPU sidecar A spent per call (from /proc), which
 * moves far less with the machine's other load, and what that makes one core's capacity.
 * Aims (from the issue): remote p50 ≤ 0.5 ms, p99 ≤ 2 ms; ≥ 10,000 calls/s through one sidecar.
 */
import type { Pool } from 'undici';
import { freePort } from '../runtime/src/net/index.js';
import { startActorApp } from './lib/actor-app.js';
import type { Benchmark } from './lib/benchmark.js';
import { cpuDuring } from './lib/cpu.js';
import { saveResults } from './lib/results.js';
import { keepAlivePool, readBody } from './lib/http.js';
import { runBatch, type Operation } from './lib/measure.js';
import { startNoopServer } from './lib/noop-server.js';
import { envInt } from './lib/settings.js';
import { startSidecar, type Sidecar } from './lib/sidecar.js';
import { Samples, type Summary } from './lib/stats.js';
import { format, printTable } from './lib/table.js';
import { Teardown } from './lib/teardown.js';

const TYPE = 'Bench';
/** Hosting actors needs an actor state store; this benchmark never touches state. */
const ACTOR_STATE_STORE = [
  'apiVersion: dapr.io/v1alpha1',
  'kind: Component',
  'metadata:',
  '  name: actorstate',
  'spec:',
  '  type: state.in-memory',
  '  version: v1',
  '  metadata:',
  '    - name: actorStateStore',
  '      value: "true"',
  '',
].join('\n');

export const benchmark: Benchmark = {
  name: 'actors',
  description: 'actor calls: local and remote latency, throughput and activation rate, against a raw HTTP round trip',
  run: runActorBench,
};

interface Setup {
  readonly raw: Pool;
  readonly viaA: Pool;
  /** Sidecar A's process id, for its CPU time. */
  readonly pidA: number;
  readonly local: string[];
  readonly remote: string[];
}

async function runActorBench(signal: AbortSignal): Promise<void> {
  const ops = envInt('BENCH_OPS', 5_000);
  const concurrency = envInt('BENCH_CONCURRENCY', 32);
  const actorCount = envInt('BENCH_ACTORS', 1_000);
  const teardown = new Teardown();
  try {
    const setup = await start(teardown, concurrency, actorCount, signal);
    const call = (ids: string[]): Operation => async (i) => void (await readBody(await setup.viaA.request(post(ids[i % ids.length]!)), 200, 'actor call'));
    const raw: Operation = async () => void (await readBody(await setup.raw.request({ method: 'POST', path: '/x', body: '{}' }), 204, 'raw'));
    await runBatch(call([...setup.local, ...setup.remote]), actorCount * 2, concurrency, signal); // warm up
    const timedOnA = (op: Operation, count: number, callers: number) => timed(op, count, callers, signal, setup.pidA);
    const rows = new Map<string, Row>([
      ['raw HTTP round trip', await timed(raw, ops, 1, signal)],
      ['local actor', await timedOnA(call(setup.local), ops, 1)],
      ['remote actor', await timedOnA(call(setup.remote), ops, 1)],
      [`throughput, local, ${concurrency} callers`, await timedOnA(call(setup.local), ops * 4, concurrency)],
      [`throughput, mixed, ${concurrency} callers`, await timedOnA(call([...setup.local, ...setup.remote]), ops * 4, concurrency)],
      [`activation, ${concurrency} in flight`, await timedOnA(call(freshIds(ops)), ops, concurrency)],
    ]);
    print(rows);
    await saveResults('actors', Object.fromEntries(rows));
  } finally {
    await teardown.run();
  }
}

async function start(teardown: Teardown, connections: number, actorCount: number, signal: AbortSignal): Promise<Setup> {
  const noop = await startNoopServer();
  teardown.add('stopping the noop server', () => noop.stop());
  const placementPort = await freePort();
  const sidecars: Sidecar[] = [];
  for (const name of ['a', 'b']) {
    const app = await startActorApp([TYPE], name);
    teardown.add(`stopping app ${name}`, () => app.stop());
    const sidecar = await startSidecar({ appId: `bench-${process.pid}-actors`, components: { 'actorstate.yaml': ACTOR_STATE_STORE }, placementPort, args: ['--app-port', String(app.httpPort)] });
    teardown.add(`stopping sidecar ${name}`, () => sidecar.stop());
    sidecars.push(sidecar);
  }
  await bothHostsServe(placementPort, signal);
  const raw = keepAlivePool(`http://127.0.0.1:${noop.httpPort}`, connections);
  const viaA = keepAlivePool(sidecars[0]!.url, connections);
  teardown.add('closing the HTTP pools', () => Promise.all([raw.close(), viaA.close()]));
  const ids = Array.from({ length: actorCount }, (_, i) => `actor-${i}`);
  const servedBy = await Promise.all(ids.map(async (id) => JSON.parse(await readBody(await viaA.request(post(id)), 200, 'activation')).app as string));
  return { raw, viaA, pidA: sidecars[0]!.child.process.pid!, local: ids.filter((_, i) => servedBy[i] === 'a'), remote: ids.filter((_, i) => servedBy[i] === 'b') };
}

/** Waits until the placement's rings have both hosts for the type. */
async function bothHostsServe(placementPort: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the two sidecars never both hosted the actor type (see their logs)');
    signal.throwIfAborted();
    const state = (await (await fetch(`http://127.0.0.1:${placementPort}/placement/state`)).json()) as {
      namespaces: Record<string, { rings: Array<{ actorType: string; hosts: string[] }> }>;
    };
    if (state.namespaces['default']?.rings.find((r) => r.actorType === TYPE)?.hosts.length === 2) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function post(id: string) {
  return { method: 'POST' as const, path: `/v1.0/actors/${TYPE}/${id}/method/ping`, headers: { 'content-type': 'application/json' }, body: '{"n":1}' };
}

function freshIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `fresh-${Date.now()}-${i}`);
}

/** A timed section; `cpuUsPerCall` is sidecar A's CPU per call, where it was measured. */
type Row = Summary & { readonly cpuUsPerCall?: number };

async function timed(op: Operation, count: number, concurrency: number, signal: AbortSignal, pid?: number): Promise<Row> {
  const samples = new Samples();
  if (pid === undefined) {
    await runBatch(op, count, concurrency, signal, samples);
    return samples.summary();
  }
  const { cpuMs } = await cpuDuring(pid, () => runBatch(op, count, concurrency, signal, samples));
  return cpuMs === undefined ? samples.summary() : { ...samples.summary(), cpuUsPerCall: (cpuMs * 1000) / count };
}

function print(rows: Map<string, Row>): void {
  const raw = rows.get('raw HTTP round trip')!;
  printTable(
    [
      { header: 'path', align: 'left' },
      { header: 'p50 ms', align: 'right' },
      { header: 'p99 ms', align: 'right' },
      { header: 'ops/s', align: 'right' },
      { header: 'p50 vs raw', align: 'right' },
      { header: 'A cpu µs/call', align: 'right' },
      { header: 'calls/s per A core', align: 'right' },
    ],
    [...rows].map(([name, s]) => [
      name,
      format.ms(s.p50Ms),
      format.ms(s.p99Ms),
      format.rate(s.opsPerSec),
      `${(s.p50Ms / raw.p50Ms).toFixed(2)}x`,
      s.cpuUsPerCall === undefined ? '' : s.cpuUsPerCall.toFixed(0),
      s.cpuUsPerCall === undefined ? '' : format.rate(1e6 / s.cpuUsPerCall),
    ]),
  );
  console.log('\naims: remote actor p50 ≤ 0.5 ms and p99 ≤ 2 ms; ≥ 10,000 calls/s through one sidecar');
  console.log('A cpu µs/call: CPU sidecar A spent per call (/proc, 10 ms ticks); calls/s per A core = 1e6 / that');
}
