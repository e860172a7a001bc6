/**
 * bench/reminders — durable actor reminders on the `state.redis` store, in this process (no
 * sidecar, no app: the Redis work and the reminder loop are what is measured).
 *
 * - registrations/s: `ReminderService.create` (parse, encode, one Lua script) with
 *   BENCH_CONCURRENCY in flight on the store's one connection. Aim ≥ 10,000/s.
 * - fires/s: BENCH_FIRES reminders due at once, found, claimed, fired through a no-op `fire` with
 *   an always-own predicate, and rescheduled by the running loop. Aim ≥ 20,000/s.
 * - memory: this process's heap and RSS (after a GC) before and after registering BENCH_REMINDERS
 *   reminders, and while the loop polls them; registered reminders live in Redis, not here. Redis's
 *   own bytes per reminder are shown too.
 *
 * Every key is under a fresh app id, deleted at the end. Nothing fails on slowness: it prints a
 * table and writes bench/results/reminders.json.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createReminderService, type ReminderService, type ReminderServiceOptions } from '../runtime/src/actors/reminders/index.js';
import { systemTimerClock } from '../runtime/src/actors/timers/index.js';
import { systemClock } from '../runtime/src/clock/index.js';
import { ComponentMetadata } from '../runtime/src/components/metadata.js';
import { redisStateStore } from '../runtime/src/components/state/redis.js';
import type { ReminderStorage, StateStore } from '../runtime/src/state/store.js';
import type { Benchmark } from './lib/benchmark.js';
import { saveResults } from './lib/results.js';
import { runBatch } from './lib/measure.js';
import { deleteByPrefix, redisAddress, redisHost, redisVersion } from './lib/redis.js';
import { envInt } from './lib/settings.js';
import { Samples } from './lib/stats.js';
import { format, printTable } from './lib/table.js';
import { Teardown } from './lib/teardown.js';

const AIMS = { registrationsPerSec: 10_000, firesPerSec: 20_000 };
/** How long the memory phase lets the loop poll the registered (not yet due) reminders. */
const POLL_WINDOW_MS = 3_000;
const silent = pino({ level: 'silent' });

interface Settings {
  readonly reminders: number;
  readonly registrations: number;
  readonly fires: number;
  readonly concurrency: number;
}

interface MemorySample {
  readonly heapUsedMb: number;
  readonly rssMb: number;
  readonly redisUsedMb: number;
}

export const benchmark: Benchmark = {
  name: 'reminders',
  description: 'durable actor reminders on state.redis, in process: registrations/s, fires/s, memory with many registered',
  run: runRemindersBench,
};

async function runRemindersBench(signal: AbortSignal): Promise<void> {
  const settings: Settings = {
    reminders: envInt('BENCH_REMINDERS', 1_000_000),
    registrations: envInt('BENCH_OPS', 50_000),
    fires: envInt('BENCH_FIRES', 50_000),
    concurrency: envInt('BENCH_CONCURRENCY', 512),
  };
  const appId = `bench-${process.pid}-${randomBytes(4).toString('hex')}`;
  const address = redisAddress();
  const teardown = new Teardown();
  try {
    const redis = new Redis({ ...address, lazyConnect: true, retryStrategy: () => null, connectionName: 'outrigger-bench' });
    await redis.connect();
    teardown.add('closing the Redis client', () => redis.quit());
    teardown.add('deleting the benchmark keys', () => deleteKeys(redis, appId));
    const store = await redisStateStore.create(ComponentMetadata.from({ redisHost: redisHost(address) }), { appId, namespace: undefined, logger: silent, clock: systemClock });
    teardown.add('closing the store', () => store.close());
    console.log(`Redis ${redisHost(address)} (${await redisVersion(redis)}), Node ${process.version}, ${cpus().length} CPUs, app id ${appId}`);
    const registrations = await measureRegistrations(storageOf(store), appId, settings, signal);
    const fires = await measureFires(storageOf(store), appId, settings, signal);
    const memory = await measureMemory(storageOf(store), appId, redis, settings, signal);
    report(settings, registrations, fires, memory);
    await writeResults({ appId, settings, redisVersion: await redisVersion(redis), registrations, fires, memory });
  } finally {
    await teardown.run();
  }
}

function storageOf(store: StateStore): ReminderStorage {
  if (!store.reminders) throw new Error('state.redis offers no reminder storage');
  return store.reminders;
}

function service(storage: ReminderStorage, appId: string, types: readonly string[], overrides: Partial<ReminderServiceOptions> = {}): ReminderService {
  return createReminderService({
    appId,
    storage,
    clock: systemTimerClock,
    owns: () => true,
    hostedTypes: () => types,
    fire: async () => ({ cancel: false }),
    logger: silent,
    ...overrides,
  });
}

/** Creates, with latencies; due in an hour, so nothing fires meanwhile. */
async function measureRegistrations(storage: ReminderStorage, appId: string, settings: Settings, signal: AbortSignal): Promise<Samples> {
  process.stderr.write(`registering ${settings.registrations} reminders…\n`);
  const reminders = service(storage, appId, []);
  const create = (i: number) => reminders.create({ type: 'Registered', id: `actor-${i}` }, 'wake', { dueTime: '1h', period: '1h', data: { i } });
  await runBatch(create, 2_000, settings.concurrency, signal);
  const samples = new Samples();
  await runBatch((i) => create(i + 2_000), settings.registrations, settings.concurrency, signal, samples);
  await reminders.close();
  return samples;
}

/** BENCH_FIRES reminders due now; the loop's time from start to the last fire (and to its reschedule). */
async function measureFires(storage: ReminderStorage, appId: string, settings: Settings, signal: AbortSignal): Promise<{ firedMs: number; completedMs: number }> {
  process.stderr.write(`preparing ${settings.fires} due reminders…\n`);
  const setup = service(storage, appId, []);
  await runBatch((i) => setup.create({ type: 'Due', id: `actor-${i}` }, 'tick', { period: '1h' }), settings.fires, settings.concurrency, signal);
  await setup.close();
  let fired = 0;
  let allFired!: () => void;
  const done = new Promise<void>((resolve) => (allFired = resolve));
  const fire = async () => {
    if (++fired === settings.fires) allFired();
    return { cancel: false };
  };
  const loop = service(storage, appId, ['Due'], { fire });
  process.stderr.write('firing…\n');
  const started = process.hrtime.bigint();
  loop.start();
  await abortable(done, signal);
  const firedMs = Number(process.hrtime.bigint() - started) / 1e6;
  await loop.close(); // waits for the completions (the reschedules) still being written
  const completedMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { firedMs, completedMs };
}

async function measureMemory(storage: ReminderStorage, appId: string, redis: Redis, settings: Settings, signal: AbortSignal): Promise<Record<string, MemorySample>> {
  const gc = exposeGc();
  const reminders = service(storage, appId, ['Idle']);
  const before = await sampleMemory(gc, redis);
  process.stderr.write(`registering ${settings.reminders} reminders for the memory phase…\n`);
  const create = (i: number) => reminders.create({ type: 'Idle', id: `actor-${i}` }, 'wake', { dueTime: '1h', period: '1h', data: { i } });
  for (let done = 0; done < settings.reminders; done += 100_000) {
    await runBatch((i) => create(done + i), Math.min(100_000, settings.reminders - done), settings.concurrency, signal);
    process.stderr.write(`  ${Math.min(done + 100_000, settings.reminders)}\n`);
  }
  const registered = await sampleMemory(gc, redis);
  reminders.start();
  await abortable(new Promise((resolve) => setTimeout(resolve, POLL_WINDOW_MS)), signal);
  const polling = await sampleMemory(gc, redis);
  await reminders.close();
  return { before, registered, polling };
}

/** `global.gc`, switched on at run time: the runner starts Node without --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function sampleMemory(gc: () => void, redis: Redis): Promise<MemorySample> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const usage = process.memoryUsage();
  const info = await redis.info('memory');
  const redisUsed = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
  return { heapUsedMb: usage.heapUsed / 2 ** 20, rssMb: usage.rss / 2 ** 20, redisUsedMb: redisUsed / 2 ** 20 };
}

function report(settings: Settings, registrations: Samples, fires: { firedMs: number; completedMs: number }, memory: Record<string, MemorySample>): void {
  printThroughput(settings, registrations, fires);
  printMemory(settings, memory);
}

function printThroughput(settings: Settings, registrations: Samples, fires: { firedMs: number; completedMs: number }): void {
  const reg = registrations.summary();
  console.log(`\nThroughput (${settings.concurrency} in flight)`);
  printTable(
    [
      { header: 'what', align: 'left' },
      { header: 'count', align: 'right' },
      { header: 'per second', align: 'right' },
      { header: 'aim', align: 'right' },
      { header: 'p50 ms', align: 'right' },
      { header: 'p99 ms', align: 'right' },
    ],
    [
      ['registrations', format.rate(reg.count), format.rate(reg.opsPerSec), format.rate(AIMS.registrationsPerSec), format.ms(reg.p50Ms), format.ms(reg.p99Ms)],
      ['fires (fired)', format.rate(settings.fires), format.rate((settings.fires * 1000) / fires.firedMs), format.rate(AIMS.firesPerSec), '', ''],
      ['fires (fired and rescheduled)', format.rate(settings.fires), format.rate((settings.fires * 1000) / fires.completedMs), '', '', ''],
    ],
  );
}

function printMemory(settings: Settings, memory: Record<string, MemorySample>): void {
  console.log(`\nMemory with ${format.rate(settings.reminders)} registered reminders (after a GC)`);
  const base = memory['before']!;
  printTable(
    [
      { header: 'when', align: 'left' },
      { header: 'heap MB', align: 'right' },
      { header: 'Δ heap MB', align: 'right' },
      { header: 'RSS MB', align: 'right' },
      { header: 'Δ RSS MB', align: 'right' },
      { header: 'Redis MB', align: 'right' },
      { header: 'Redis B/reminder', align: 'right' },
    ],
    Object.entries(memory).map(([when, m]) => [
      when,
      m.heapUsedMb.toFixed(1),
      signed(m.heapUsedMb - base.heapUsedMb),
      m.rssMb.toFixed(1),
      signed(m.rssMb - base.rssMb),
      m.redisUsedMb.toFixed(1),
      when === 'before' ? '' : Math.round(((m.redisUsedMb - base.redisUsedMb) * 2 ** 20) / settings.reminders).toString(),
    ]),
  );
}

const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

async function deleteKeys(redis: Redis, appId: string): Promise<void> {
  let deleted = 0;
  for (const prefix of [`reminders||${appId}||`, `reminders-due||${appId}||`]) deleted += await deleteByPrefix(redis, prefix);
  console.log(`\ncleanup: deleted ${deleted} keys of app ${appId}`);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function writeResults(results: Record<string, unknown> & { registrations: Samples }): Promise<void> {
  const { registrations, ...rest } = results;
  const document = {
    benchmark: 'reminders',
    finishedAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    aims: AIMS,
    ...rest,
    registrations: registrations.summary(),
  };
  await saveResults('reminders', document);
}
