/**
 * bench/state — what the sidecar's state API costs on top of the Redis it stores into.
 *
 * Saves (`POST /v1.0/state/bench`, one item) and gets (`GET /v1.0/state/bench/<key>`) of a small
 * JSON object, through a real sidecar started from the built CLI with a `state.redis` component,
 * are timed next to two baselines, all in one run so they share this machine's noise:
 *
 * - direct ioredis: the same Redis work the state.redis component does, straight from this
 *   process — a save is one Lua script (HSET data, HINCRBY version, PERSIST), a get one Lua
 *   script (HMGET data version, PTTL). The gap to it is what the sidecar adds, which the issue
 *   wants at most 0.15 ms at p50 (Dapr's Go sidecar adds 0.12–0.28 ms).
 * - raw HTTP: the same requests to a Node server (in its own process, like the sidecar) that
 *   answers 204 and does nothing else. No sidecar can beat one loopback HTTP round trip, so
 *   "sidecar − (raw HTTP + direct)" is the sidecar's own work: routing, parsing, the store call.
 *
 * Each cell is measured first with one request in flight (latency), then with BENCH_CONCURRENCY
 * in flight (throughput). The timed operations are split into BENCH_ROUNDS rounds, and each round
 * runs every path in turn, so a burst of background load lands on all paths rather than one.
 * Nothing here fails on slowness: it prints a table and writes bench/results/state.json.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import type { Pool } from 'undici';
import type { Benchmark } from './lib/benchmark.js';
import { saveResults } from './lib/results.js';
import { keepAlivePool, readBody } from './lib/http.js';
import { runBatch, type Operation } from './lib/measure.js';
import { startNoopServer } from './lib/noop-server.js';
import { deleteByPrefix, redisAddress, redisHost, redisVersion, type RedisAddress } from './lib/redis.js';
import { envInt } from './lib/settings.js';
import { startSidecar } from './lib/sidecar.js';
import { Samples, type Summary } from './lib/stats.js';
import { format, printTable } from './lib/table.js';
import { Teardown } from './lib/teardown.js';

const STORE = 'bench';
/** Keys are reused round-robin, so saves overwrite and gets always find a value. */
const KEY_SPACE = 1_000;
/** The aim for the sidecar's p50 overhead over direct Redis. */
const AIM_MS = 0.15;

const OPERATIONS = ['save', 'get'] as const;
type OperationName = (typeof OPERATIONS)[number];
const PATHS = ['direct ioredis', 'raw HTTP', 'sidecar'] as const;
type PathName = (typeof PATHS)[number];
type Path = Record<OperationName, Operation>;

interface Settings {
  readonly ops: number;
  readonly warmup: number;
  readonly rounds: number;
  readonly concurrency: number;
}

interface Section {
  readonly title: string;
  readonly concurrency: number;
  readonly results: Map<string, Samples>;
}

interface Row extends Summary {
  readonly operation: OperationName;
  readonly path: PathName;
}

interface Overhead {
  readonly operation: OperationName;
  readonly sidecarP50Ms: number;
  readonly directP50Ms: number;
  readonly rawHttpP50Ms: number;
  readonly overheadVsDirectMs: number;
  readonly overheadVsRawHttpPlusDirectMs: number;
}

/** Mirrors the state.redis component's unconditional save without TTL. */
const SAVE_LUA = `
redis.call('HSET', KEYS[1], 'data', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PERSIST', KEYS[1])
return 1
`;

/** Mirrors the state.redis component's get: one round trip for value, etag and TTL. */
const GET_LUA = `
local fields = redis.call('HMGET', KEYS[1], 'data', 'version')
if not fields[1] or not fields[2] then return false end
return {fields[1], fields[2], redis.call('PTTL', KEYS[1])}
`;

interface BenchCommands {
  benchSave(key: string, data: string): Promise<number>;
  benchGet(key: string): Promise<[string, string, number] | null>;
}

export const benchmark: Benchmark = {
  name: 'state',
  description: 'the state API (state.redis) through the sidecar, against direct ioredis and a bare HTTP round trip',
  run: runStateBench,
};

async function runStateBench(signal: AbortSignal): Promise<void> {
  const settings: Settings = {
    ops: envInt('BENCH_OPS', 5_000),
    warmup: envInt('BENCH_WARMUP', 1_000),
    rounds: envInt('BENCH_ROUNDS', 5),
    concurrency: envInt('BENCH_CONCURRENCY', 16),
  };
  const runId = `bench-${process.pid}-${randomBytes(4).toString('hex')}`;
  const address = redisAddress();
  const teardown = new Teardown();
  try {
    const redis = await connectRedis(address);
    teardown.add('closing the Redis client', () => redis.quit());
    teardown.add('deleting the benchmark keys', async () => console.log(`\ncleanup: deleted ${await deleteByPrefix(redis, runId)} keys with prefix ${runId}`));
    const paths = await openPaths(runId, address, redis, settings.concurrency, teardown);
    await printContext(redis, address, settings);
    const sections = await measure(paths, settings, signal);
    const report = reportSections(sections);
    await writeResults({ runId, settings, address, redisVersion: await redisVersion(redis), report });
  } finally {
    await teardown.run();
  }
}

async function connectRedis(address: RedisAddress): Promise<Redis & BenchCommands> {
  // No reconnecting: a benchmark whose Redis goes away should stop, not wait.
  const redis = new Redis({ ...address, lazyConnect: true, connectTimeout: 5_000, commandTimeout: 10_000, retryStrategy: () => null, connectionName: 'outrigger-bench' });
  redis.on('error', () => undefined); // reported by the command or connect() that fails
  redis.defineCommand('benchSave', { lua: SAVE_LUA, numberOfKeys: 1 });
  redis.defineCommand('benchGet', { lua: GET_LUA, numberOfKeys: 1, readOnly: true });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`redis ${redisHost(address)} is unreachable (set REDIS_URL to use another)`, { cause: err });
  }
  return redis as Redis & BenchCommands;
}

/** Starts the noop server and the sidecar (registering their teardown) and builds the three paths. */
async function openPaths(runId: string, address: RedisAddress, redis: Redis & BenchCommands, connections: number, teardown: Teardown): Promise<Record<PathName, Path>> {
  const noop = await startNoopServer();
  teardown.add('stopping the noop server', () => noop.stop());
  const sidecar = await startSidecar({ appId: runId, components: { 'bench.yaml': componentYaml(address) } });
  teardown.add('stopping the sidecar', () => sidecar.stop());
  const noopPool = keepAlivePool(`http://127.0.0.1:${noop.httpPort}`, connections);
  const sidecarPool = keepAlivePool(sidecar.url, connections);
  teardown.add('closing the HTTP pools', () => Promise.all([noopPool.close(), sidecarPool.close()]));
  return {
    'direct ioredis': directPath(redis, `${runId}-direct||`),
    'raw HTTP': httpPath(noopPool, { save: 204, get: 204 }),
    sidecar: httpPath(sidecarPool, { save: 204, get: 200 }),
  };
}

function componentYaml(address: RedisAddress): string {
  return [
    'apiVersion: dapr.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${STORE}`,
    'spec:',
    '  type: state.redis',
    '  version: v1',
    '  metadata:',
    '    - name: redisHost',
    `      value: "${redisHost(address)}"`,
    '',
  ].join('\n');
}

function key(i: number): string {
  return `k${i % KEY_SPACE}`;
}

/** The small object every save writes (about 110 bytes of JSON). */
function value(i: number): Record<string, unknown> {
  return { id: i, name: `user ${i}`, email: `user${i}@example.com`, active: true, score: 42.5, tags: ['bench', 'state'] };
}

function directPath(redis: BenchCommands, prefix: string): Path {
  return {
    save: async (i) => void (await redis.benchSave(prefix + key(i), JSON.stringify(value(i)))),
    get: async (i) => {
      if (!(await redis.benchGet(prefix + key(i)))) throw new Error(`direct get: ${prefix + key(i)} is missing`);
    },
  };
}

/** The sidecar's requests; the noop server takes the same ones and answers 204. */
function httpPath(pool: Pool, expected: Record<OperationName, number>): Path {
  const headers = { 'content-type': 'application/json' };
  return {
    save: async (i) => {
      const body = JSON.stringify([{ key: key(i), value: value(i) }]);
      await readBody(await pool.request({ method: 'POST', path: `/v1.0/state/${STORE}`, headers, body }), expected.save, 'save');
    },
    get: async (i) => {
      await readBody(await pool.request({ method: 'GET', path: `/v1.0/state/${STORE}/${key(i)}` }), expected.get, 'get');
    },
  };
}

async function printContext(redis: Redis, address: RedisAddress, settings: Settings): Promise<void> {
  const bytes = Buffer.byteLength(JSON.stringify(value(KEY_SPACE - 1)));
  console.log(`Redis ${redisHost(address)} (${await redisVersion(redis)}), Node ${process.version}, ${cpus().length} CPUs`);
  console.log(`${settings.ops} timed ops per cell in ${settings.rounds} interleaved rounds after ${settings.warmup} warm-up ops; values ${bytes} B; ${KEY_SPACE} keys`);
}

async function measure(paths: Record<PathName, Path>, settings: Settings, signal: AbortSignal): Promise<Section[]> {
  await warmUp(paths, settings.warmup, signal);
  const sections: Section[] = [
    { title: 'Sequential: one request in flight', concurrency: 1, results: new Map() },
    { title: `Concurrency ${settings.concurrency}: ${settings.concurrency} requests in flight`, concurrency: settings.concurrency, results: new Map() },
  ];
  for (const section of sections) await measureSection(paths, section, settings, signal);
  return sections;
}

/** Fills the key space (so gets find values) and warms every path's code and connections. */
async function warmUp(paths: Record<PathName, Path>, warmup: number, signal: AbortSignal): Promise<void> {
  process.stderr.write('warming up…\n');
  for (const path of PATHS) {
    await runBatch(paths[path].save, Math.max(KEY_SPACE, warmup), 1, signal);
    await runBatch(paths[path].get, warmup, 1, signal);
  }
}

async function measureSection(paths: Record<PathName, Path>, section: Section, settings: Settings, signal: AbortSignal): Promise<void> {
  const perRound = Math.ceil(settings.ops / settings.rounds);
  for (let round = 0; round < settings.rounds; round++) {
    process.stderr.write(`${section.title}: round ${round + 1}/${settings.rounds}\n`);
    for (const path of rotate(PATHS, round)) {
      for (const operation of OPERATIONS) {
        await runBatch(paths[path][operation], perRound, section.concurrency, signal, samplesFor(section, operation, path));
      }
    }
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function samplesFor(section: Section, operation: OperationName, path: PathName): Samples {
  const id = `${operation}/${path}`;
  let samples = section.results.get(id);
  if (!samples) section.results.set(id, (samples = new Samples()));
  return samples;
}

interface Report {
  readonly sections: Record<string, { readonly concurrency: number; readonly rows: readonly Row[] }>;
  readonly overhead: readonly Overhead[];
}

function reportSections(sections: readonly Section[]): Report {
  const report: Report = { sections: {}, overhead: [] };
  for (const section of sections) {
    const rows = summarize(section);
    console.log(`\n${section.title}`);
    printRows(rows, section.concurrency === 1 ? 'latency' : 'throughput');
    report.sections[section.concurrency === 1 ? 'sequential' : 'concurrent'] = { concurrency: section.concurrency, rows };
  }
  const sequential = report.sections['sequential']?.rows ?? [];
  const overhead = OPERATIONS.map((operation) => overheadOf(operation, sequential));
  printOverhead(overhead);
  return { ...report, overhead };
}

function summarize(section: Section): Row[] {
  return OPERATIONS.flatMap((operation) => PATHS.map((path) => ({ operation, path, ...samplesFor(section, operation, path).summary() })));
}

function find(rows: readonly Row[], operation: OperationName, path: PathName): Row {
  const row = rows.find((r) => r.operation === operation && r.path === path);
  if (!row) throw new Error(`no results for ${operation} via ${path}`);
  return row;
}

/** Latency sections compare p50 with direct ioredis; throughput sections compare ops/s. */
function printRows(rows: readonly Row[], compare: 'latency' | 'throughput'): void {
  const ratio = (row: Row) => {
    const base = find(rows, row.operation, 'direct ioredis');
    return compare === 'latency' ? row.p50Ms / base.p50Ms : row.opsPerSec / base.opsPerSec;
  };
  printTable(
    [
      { header: 'operation', align: 'left' },
      { header: 'path', align: 'left' },
      { header: 'p50 ms', align: 'right' },
      { header: 'p99 ms', align: 'right' },
      { header: 'mean ms', align: 'right' },
      { header: 'ops/s', align: 'right' },
      { header: compare === 'latency' ? 'p50 vs direct' : 'ops/s vs direct', align: 'right' },
    ],
    rows.map((row) => [row.operation, row.path, format.ms(row.p50Ms), format.ms(row.p99Ms), format.ms(row.meanMs), format.rate(row.opsPerSec), format.ratio(ratio(row))]),
  );
}

function overheadOf(operation: OperationName, rows: readonly Row[]): Overhead {
  const sidecarP50Ms = find(rows, operation, 'sidecar').p50Ms;
  const directP50Ms = find(rows, operation, 'direct ioredis').p50Ms;
  const rawHttpP50Ms = find(rows, operation, 'raw HTTP').p50Ms;
  return {
    operation,
    sidecarP50Ms,
    directP50Ms,
    rawHttpP50Ms,
    overheadVsDirectMs: sidecarP50Ms - directP50Ms,
    overheadVsRawHttpPlusDirectMs: sidecarP50Ms - rawHttpP50Ms - directP50Ms,
  };
}

function printOverhead(overhead: readonly Overhead[]): void {
  console.log(`\nSidecar overhead at p50, sequential (aim: sidecar − direct ≤ ${AIM_MS} ms; daprd adds 0.12–0.28 ms)`);
  printTable(
    [
      { header: 'operation', align: 'left' },
      { header: 'sidecar', align: 'right' },
      { header: 'direct', align: 'right' },
      { header: 'raw HTTP', align: 'right' },
      { header: 'sidecar − direct', align: 'right' },
      { header: 'vs aim', align: 'left' },
      { header: 'sidecar − (raw HTTP + direct)', align: 'right' },
    ],
    overhead.map((o) => [
      o.operation,
      format.ms(o.sidecarP50Ms),
      format.ms(o.directP50Ms),
      format.ms(o.rawHttpP50Ms),
      format.signedMs(o.overheadVsDirectMs),
      o.overheadVsDirectMs <= AIM_MS ? 'within' : 'above',
      format.signedMs(o.overheadVsRawHttpPlusDirectMs),
    ]),
  );
}

interface ResultsFile {
  readonly runId: string;
  readonly settings: Settings;
  readonly address: RedisAddress;
  readonly redisVersion: string;
  readonly report: Report;
}

async function writeResults(results: ResultsFile): Promise<void> {
  const document = {
    benchmark: 'state',
    finishedAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    redis: { host: redisHost(results.address), version: results.redisVersion },
    runId: results.runId,
    settings: { ...results.settings, keySpace: KEY_SPACE },
    aimMs: AIM_MS,
    ...results.report,
  };
  await saveResults('state', document);
}
