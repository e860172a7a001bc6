/**
 * bench/invoke — what service invocation between two apps costs, app → sidecar → sidecar → app,
 * against the same call made straight from app to app, in one run so both share this machine's
 * noise. The aim: the two sidecar hops add at most 0.3 ms at p50 (Dapr adds 0.9–1.1 ms).
 *
 * The callee app is a separate process answering 204. The paths:
 * - direct: this process calls the app over a keep-alive HTTP pool (one loopback round trip);
 * - one sidecar: this process calls its sidecar, which calls its own app (self-invocation);
 * - two sidecars: this process calls sidecar A, which carries the call over its peer link to
 *   sidecar B, which calls B's app — the full cross-app path.
 * Sequential latency first, then throughput with BENCH_CONCURRENCY calls in flight.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'undici';
import { freePort } from '../runtime/src/net/index.js';
import type { Benchmark } from './lib/benchmark.js';
import { saveResults } from './lib/results.js';
import { keepAlivePool, readBody } from './lib/http.js';
import { runBatch, type Operation } from './lib/measure.js';
import { startNoopServer } from './lib/noop-server.js';
import { envInt } from './lib/settings.js';
import { startSidecar, type Sidecar } from './lib/sidecar.js';
import { Samples, type Summary } from './lib/stats.js';
import { format, printTable } from './lib/table.js';
import { Teardown } from './lib/teardown.js';

const AIM_MS = 0.3;
const PATHS = ['direct', 'one sidecar', 'two sidecars'] as const;
type PathName = (typeof PATHS)[number];

export const benchmark: Benchmark = {
  name: 'invoke',
  description: 'service invocation app → sidecar → sidecar → app, against a direct app → app call',
  run: runInvokeBench,
};

async function runInvokeBench(signal: AbortSignal): Promise<void> {
  const ops = envInt('BENCH_OPS', 5_000);
  const warmup = envInt('BENCH_WARMUP', 1_000);
  const rounds = envInt('BENCH_ROUNDS', 5);
  const concurrency = envInt('BENCH_CONCURRENCY', 16);
  const teardown = new Teardown();
  try {
    const paths = await openPaths(teardown, concurrency, signal);
    const sequential = await measure(paths, { ops, warmup, rounds, concurrency: 1 }, signal);
    const parallel = await measure(paths, { ops, warmup: warmup / 4, rounds, concurrency }, signal);
    printSection('Sequential: one call in flight', sequential);
    printSection(`Concurrency ${concurrency}`, parallel);
    const overhead = sequential.get('two sidecars')!.p50Ms - sequential.get('direct')!.p50Ms;
    console.log(`\ntwo sidecar hops add ${format.ms(overhead)} ms at p50 (aim ≤ ${AIM_MS} ms; Dapr adds 0.9–1.1 ms): ${overhead <= AIM_MS ? 'within' : 'above'} the aim`);
    await saveResults('invoke', { sequential: Object.fromEntries(sequential), parallel: Object.fromEntries(parallel), overheadP50Ms: overhead });
  } finally {
    await teardown.run();
  }
}

async function openPaths(teardown: Teardown, connections: number, signal: AbortSignal): Promise<Record<PathName, Operation>> {
  const app = await startNoopServer();
  teardown.add('stopping the app', () => app.stop());
  const placementPort = await freePort();
  const run = `bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  const callee = await startSidecar({ appId: `${run}-callee`, components: {}, placementPort, args: ['--app-port', String(app.httpPort)] });
  teardown.add('stopping the callee sidecar', () => callee.stop());
  const caller = await startSidecar({ appId: `${run}-caller`, components: {}, placementPort });
  teardown.add('stopping the caller sidecar', () => caller.stop());
  const pools = [keepAlivePool(`http://127.0.0.1:${app.httpPort}`, connections), keepAlivePool(callee.url, connections), keepAlivePool(caller.url, connections)] as const;
  teardown.add('closing the HTTP pools', () => Promise.all(pools.map((p) => p.close())));
  const paths: Record<PathName, Operation> = {
    direct: call(pools[0], '/orders'),
    'one sidecar': call(pools[1], `/v1.0/invoke/${callee.appId}/method/orders`),
    'two sidecars': call(pools[2], `/v1.0/invoke/${callee.appId}/method/orders`),
  };
  await untilReachable(paths['two sidecars'], caller, signal);
  return paths;
}

function call(pool: Pool, path: string): Operation {
  const body = JSON.stringify({ order: 42, items: ['widget', 'gadget'] });
  return async () => void (await readBody(await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body }), 204, path));
}

/** The caller's sidecar learns of the callee from the placement's table; wait for it. */
async function untilReachable(op: Operation, caller: Sidecar, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    signal.throwIfAborted();
    try {
      return await op(0);
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the callee never became reachable through ${caller.url}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

interface Plan {
  readonly ops: number;
  readonly warmup: number;
  readonly rounds: number;
  readonly concurrency: number;
}

async function measure(paths: Record<PathName, Operation>, plan: Plan, signal: AbortSignal): Promise<Map<PathName, Summary>> {
  const samples = new Map(PATHS.map((p) => [p, new Samples()] as const));
  for (const path of PATHS) await runBatch(paths[path], plan.warmup, plan.concurrency, signal);
  for (let round = 0; round < plan.rounds; round++) {
    for (const path of PATHS) await runBatch(paths[path], Math.ceil(plan.ops / plan.rounds), plan.concurrency, signal, samples.get(path));
  }
  return new Map(PATHS.map((p) => [p, samples.get(p)!.summary()] as const));
}

function printSection(title: string, results: Map<PathName, Summary>): void {
  console.log(`\n${title}`);
  const direct = results.get('direct')!;
  printTable(
    [
      { header: 'path', align: 'left' },
      { header: 'p50 ms', align: 'right' },
      { header: 'p99 ms', align: 'right' },
      { header: 'ops/s', align: 'right' },
      { header: 'p50 − direct', align: 'right' },
      { header: 'p50 vs direct', align: 'right' },
    ],
    PATHS.map((path) => {
      const s = results.get(path)!;
      return [path, format.ms(s.p50Ms), format.ms(s.p99Ms), format.rate(s.opsPerSec), `+${format.ms(s.p50Ms - direct.p50Ms)}`, `${(s.p50Ms / direct.p50Ms).toFixed(2)}x`];
    }),
  );
}
