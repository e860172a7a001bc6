/**
 * bench/dissemination — how long a membership change takes to reach every sidecar.
 *
 * An in-process placement (default timeouts) and BENCH_DISSEMINATION_HOSTS simulated sidecars
 * (bare websocket clients in this process that ack at once, three actor types each). First, the
 * time for all of them to join from scratch: connecting and registering as each connection
 * opens, then (connected beforehand) all registering at once. Then BENCH_DISSEMINATION_CHANGES
 * changes, one at a time: an extra host joins, then leaves, alternately. Each is timed from the
 * change (the join's register sent, the leave's close started) to the placement receiving the
 * last commit ack of the round that carries it — the moment every host runs the new table.
 * The aim is p99 ≤ 100 ms. The simulated sidecars share this process's CPU (decoding 100-host
 * prepares is most of the profile), so the figures are an upper bound for the placement.
 * Nothing fails on slowness: it prints a table and writes bench/results/dissemination.json.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { startPlacement, type HostRecord, type Placement, type RoundComplete } from '@outrigger/placement';
import type { Benchmark } from './lib/benchmark.js';
import { saveResults } from './lib/results.js';
import { SimulatedSidecar } from './lib/placement-sidecar.js';
import { envInt } from './lib/settings.js';
import { percentile } from './lib/stats.js';
import { format, printTable } from './lib/table.js';
import { Teardown } from './lib/teardown.js';

const AIM_P99_MS = 100;
/** A round that has not completed by then means something is broken, not slow. */
const ROUND_DEADLINE_MS = 30_000;
const ACTOR_TYPES = ['Cart', 'Counter', 'Timer'];

interface Settings {
  readonly hosts: number;
  readonly changes: number;
  readonly warmup: number;
}

interface ChangeSummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

interface FromScratch {
  readonly hosts: number;
  readonly ms: number;
  /** Rounds completed on the way (abandoned ones are not counted). */
  readonly rounds: number;
}

interface FromScratchReport {
  readonly asTheyConnect: FromScratch;
  readonly atOnce: FromScratch;
}

export const benchmark: Benchmark = {
  name: 'dissemination',
  description: 'placement: time from a membership change until every sidecar acked the commit',
  run: runDisseminationBench,
};

async function runDisseminationBench(signal: AbortSignal): Promise<void> {
  const settings: Settings = {
    hosts: envInt('BENCH_DISSEMINATION_HOSTS', 100),
    changes: envInt('BENCH_DISSEMINATION_CHANGES', 50),
    warmup: envInt('BENCH_DISSEMINATION_WARMUP', 6),
  };
  const teardown = new Teardown();
  try {
    const placement = await startPlacement({ port: 0 });
    teardown.add('closing the placement', () => placement.close());
    console.log(`placement on port ${placement.port}; ${settings.hosts} simulated sidecars; ${settings.changes} changes after ${settings.warmup} warm-up changes`);
    const fromScratch = {
      asTheyConnect: await joinAsTheyConnect(placement, settings.hosts, signal),
      atOnce: await joinAtOnce(placement, settings.hosts, teardown, signal),
    };
    const samples = await measureChanges(placement, settings, teardown, signal);
    const summaries = {
      join: summarize(samples.filter((s) => s.change === 'join').map((s) => s.ms)),
      leave: summarize(samples.filter((s) => s.change === 'leave').map((s) => s.ms)),
      all: summarize(samples.map((s) => s.ms)),
    };
    printReport(settings, fromScratch, summaries);
    await writeResults(settings, fromScratch, summaries, samples);
  } finally {
    await teardown.run();
  }
}

/** Resolves at the first completed round that satisfies `matches`, with performance.now() then. */
function nextRound(placement: Placement, matches: (round: RoundComplete) => boolean, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      placement.events.off('round-complete', listener);
      clearTimeout(timer);
      signal.removeEventListener('abort', aborted);
      if (error) reject(error);
    };
    const listener = (round: RoundComplete) => {
      if (!matches(round)) return;
      const at = performance.now();
      done();
      resolve(at);
    };
    const aborted = () => done(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const timer = setTimeout(() => done(new Error(`no matching round within ${ROUND_DEADLINE_MS} ms`)), ROUND_DEADLINE_MS);
    placement.events.on('round-complete', listener);
    signal.addEventListener('abort', aborted, { once: true });
  });
}

function hostRecord(hostId: string, index: number): HostRecord {
  return { hostId, appId: `app-${index % 10}`, namespace: '', address: `10.0.${Math.floor(index / 250)}.${index % 250}:50002`, actorTypes: ACTOR_TYPES };
}

/**
 * Every sidecar connects and registers as soon as its connection opens. The connections open
 * one after another over this process's event loop, so the time is mostly connection set-up,
 * and every register that lands during a PREPARE restarts the round.
 */
async function joinAsTheyConnect(placement: Placement, hosts: number, signal: AbortSignal): Promise<FromScratch> {
  const counted = countRounds(placement);
  const everyone = nextRound(placement, (r) => r.members.length === hosts, signal);
  const start = performance.now();
  const sidecars = await Promise.all(
    Array.from({ length: hosts }, async (_, i) => {
      const sidecar = await SimulatedSidecar.connect(placement.port, hostRecord(`early-${i}`, i));
      sidecar.register();
      return sidecar;
    }),
  );
  const end = await everyone;
  const result = { hosts, ms: end - start, rounds: counted.stop() };
  await Promise.all(sidecars.map((s) => s.close()));
  while (placement.state().namespaces[''] !== undefined) await new Promise((resolve) => setTimeout(resolve, 10));
  return result;
}

/** Every sidecar is connected first (not timed); then all register in the same instant. */
async function joinAtOnce(placement: Placement, hosts: number, teardown: Teardown, signal: AbortSignal): Promise<FromScratch> {
  const sidecars = await Promise.all(Array.from({ length: hosts }, (_, i) => SimulatedSidecar.connect(placement.port, hostRecord(`host-${i}`, i))));
  teardown.add('closing the simulated sidecars', () => Promise.all(sidecars.map((s) => s.close())));
  const counted = countRounds(placement);
  const everyone = nextRound(placement, (r) => r.members.length === hosts, signal);
  const start = performance.now();
  for (const sidecar of sidecars) sidecar.register();
  const end = await everyone;
  return { hosts, ms: end - start, rounds: counted.stop() };
}

function countRounds(placement: Placement): { stop(): number } {
  let rounds = 0;
  const count = () => rounds++;
  placement.events.on('round-complete', count);
  return {
    stop: () => {
      placement.events.off('round-complete', count);
      return rounds;
    },
  };
}

interface Sample {
  readonly change: 'join' | 'leave';
  readonly ms: number;
}

async function measureChanges(placement: Placement, settings: Settings, teardown: Teardown, signal: AbortSignal): Promise<Sample[]> {
  const samples: Sample[] = [];
  let extra: SimulatedSidecar | undefined;
  teardown.add('closing the extra sidecar', () => extra?.close());
  for (let i = 0; i < settings.warmup + settings.changes; i++) {
    signal.throwIfAborted();
    let sample: Sample;
    if (extra === undefined) {
      extra = await SimulatedSidecar.connect(placement.port, hostRecord(`extra-${i}`, settings.hosts + i));
      sample = await timeJoin(placement, extra, settings.hosts + 1, signal);
    } else {
      sample = await timeLeave(placement, extra, settings.hosts, signal);
      extra = undefined;
    }
    if (i >= settings.warmup) samples.push(sample);
  }
  return samples;
}

async function timeJoin(placement: Placement, sidecar: SimulatedSidecar, members: number, signal: AbortSignal): Promise<Sample> {
  const { hostId } = sidecar.host;
  const committed = nextRound(placement, (r) => r.members.length === members && r.members.includes(hostId), signal);
  const start = performance.now();
  sidecar.register();
  return { change: 'join', ms: (await committed) - start };
}

async function timeLeave(placement: Placement, sidecar: SimulatedSidecar, members: number, signal: AbortSignal): Promise<Sample> {
  const { hostId } = sidecar.host;
  const committed = nextRound(placement, (r) => r.members.length === members && !r.members.includes(hostId), signal);
  const start = performance.now();
  const closed = sidecar.close();
  const end = await committed;
  await closed;
  return { change: 'leave', ms: end - start };
}

function summarize(values: readonly number[]): ChangeSummary {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    meanMs: sorted.reduce((sum, v) => sum + v, 0) / sorted.length,
  };
}

function printReport(settings: Settings, fromScratch: FromScratchReport, summaries: Record<string, ChangeSummary>): void {
  const { asTheyConnect, atOnce } = fromScratch;
  console.log(`\nAll ${settings.hosts} sidecars joining from scratch, until every one acked the commit of the full table:`);
  console.log(`  connecting and registering as each connection opens: ${format.ms(asTheyConnect.ms)} ms (${asTheyConnect.rounds} completed round(s))`);
  console.log(`  already connected, all registering at once:          ${format.ms(atOnce.ms)} ms (${atOnce.rounds} completed round(s))`);
  console.log(`\nOne membership change → every host acked the commit (aim: p99 ≤ ${AIM_P99_MS} ms)`);
  const labels: Record<string, string> = { join: `join (${settings.hosts} → ${settings.hosts + 1})`, leave: `leave (${settings.hosts + 1} → ${settings.hosts})`, all: 'all changes' };
  printTable(
    [
      { header: 'change', align: 'left' },
      { header: 'count', align: 'right' },
      { header: 'p50 ms', align: 'right' },
      { header: 'p99 ms', align: 'right' },
      { header: 'max ms', align: 'right' },
      { header: 'mean ms', align: 'right' },
      { header: 'vs aim', align: 'left' },
    ],
    Object.entries(summaries).map(([key, s]) => [labels[key] ?? key, String(s.count), format.ms(s.p50Ms), format.ms(s.p99Ms), format.ms(s.maxMs), format.ms(s.meanMs), s.p99Ms <= AIM_P99_MS ? 'within' : 'above']),
  );
}

async function writeResults(settings: Settings, fromScratch: FromScratchReport, summaries: Record<string, ChangeSummary>, samples: readonly Sample[]): Promise<void> {
  const document = {
    benchmark: 'dissemination',
    finishedAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    settings,
    aimP99Ms: AIM_P99_MS,
    fromScratch,
    changes: summaries,
    samplesMs: samples.map((s) => ({ change: s.change, ms: Number(s.ms.toFixed(3)) })),
  };
  await saveResults('dissemination', document);
}

// `node --import=tsx bench/dissemination.ts` runs it alone; bench/run.ts imports it instead.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  await benchmark.run(controller.signal);
}
