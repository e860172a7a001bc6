/**
 * `npm run bench [-- <filter>…]`: runs every benchmark in bench/ (each `bench/<name>.ts` that
 * exports `benchmark`), or only those whose name contains one of the filters. Benchmarks print
 * their figures; the exit code is non-zero only when one could not run.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { isBenchmark, type Benchmark } from './lib/benchmark.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

async function discover(): Promise<Benchmark[]> {
  const files = (await readdir(HERE)).filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && name !== 'run.ts').sort();
  const benchmarks: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(HERE, file)).href)) as { benchmark?: unknown };
    if (isBenchmark(module.benchmark)) benchmarks.push(module.benchmark);
  }
  return benchmarks;
}

async function main(filters: readonly string[], signal: AbortSignal): Promise<number> {
  const all = await discover();
  const selected = filters.length === 0 ? all : all.filter((b) => filters.some((filter) => b.name.includes(filter)));
  if (selected.length === 0) {
    console.error(`no benchmark matches ${filters.join(', ')}; there are: ${all.map((b) => b.name).join(', ')}`);
    return 2;
  }
  let failed = 0;
  for (const bench of selected) {
    if (signal.aborted) break;
    console.log(`\n=== ${bench.name}: ${bench.description}`);
    try {
      await bench.run(signal);
    } catch (err) {
      failed++;
      if (signal.aborted) console.error(`\n${bench.name}: interrupted`);
      else console.error(`\n${bench.name} could not run:`, err);
    }
  }
  return failed === 0 ? 0 : 1;
}

/**
 * The first Ctrl-C (or SIGTERM) interrupts the running benchmark, which then cleans up (stops its
 * processes, deletes its keys); a second exits at once, and the 'exit' handler kills any children.
 */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    console.error(`\n${name}: interrupting; again to exit at once`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  return controller.signal;
}

const signal = interruptible();
const code = await main(process.argv.slice(2), signal);
process.exitCode = signal.aborted ? 130 : code;
process.removeAllListeners('SIGINT').removeAllListeners('SIGTERM');
