/** The README quickstart, run as written: `outrigger run --app-id counter -- node examples/counter/app.mjs`. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { tempDir } from '../harness/files.js';
import { stopProcess, track } from '../harness/processes.js';
import { CLI } from '../harness/sidecar.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function runCounter(t: Parameters<typeof tempDir>[0], home: string): Promise<{ code: number | null; output: string }> {
  const child = track(
    spawn(process.execPath, [CLI, 'run', '--app-id', 'counter', '--', 'node', 'examples/counter/app.mjs'], {
      cwd: ROOT,
      env: { ...process.env, OUTRIGGER_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  t.teardown(() => stopProcess(child, 'SIGKILL'));
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

test('the quickstart Counter actor rises on the embedded defaults and carries on after a restart', async (t) => {
  const home = await tempDir(t);
  const first = await runCounter(t, home);
  t.is(first.code, 0, first.output);
  for (let n = 1; n <= 5; n++) t.regex(first.output, new RegExp(`== APP == count is now ${n}\\b`));
  const second = await runCounter(t, home);
  t.is(second.code, 0, second.output);
  t.regex(second.output, /== APP == count is now 6\b/);
  t.regex(second.output, /== APP == count is now 10\b/);
});
