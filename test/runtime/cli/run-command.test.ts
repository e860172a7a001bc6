import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { tempDir } from '../../harness/files.js';
import { waitUntil } from '../../harness/eventually.js';
import { uniqueId } from '../../harness/ids.js';
import { freePortForTest } from '../../harness/ports.js';
import { stopProcess, track } from '../../harness/processes.js';
import { CLI } from '../../harness/sidecar.js';

/** Starts `outrigger run … -- node <script>` and collects its output. */
async function run(t: Parameters<typeof tempDir>[0], script: string, flags: string[] = []) {
  const dir = await tempDir(t);
  const file = join(dir, 'app.mjs');
  await writeFile(file, script);
  const isolated = ['--embedded-placement-port', String(await freePortForTest())];
  const child = track(spawn(process.execPath, [CLI, 'run', '--app-id', uniqueId('run'), ...isolated, ...flags, '--', process.execPath, file], {
    env: { ...process.env, OUTRIGGER_HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  t.teardown(() => stopProcess(child, 'SIGKILL'));
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const CLIENT_APP = `
const base = 'http://127.0.0.1:' + process.env.DAPR_HTTP_PORT + '/v1.0/state/statestore';
await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ key: 'n', value: 41 }]) });
const value = await (await fetch(base + '/n')).json();
console.log('value=' + (value + 1) + ' app=' + process.env.APP_ID + ' port=' + process.env.APP_PORT);
process.exit(3);
`;

test('run starts the sidecar and the app, prefixes output, and exits with the app status', async (t) => {
  const { exited, output } = await run(t, CLIENT_APP);
  t.is(await exited, 3);
  t.regex(output(), /== APP == value=42 app=run-\S+ port=\d+/);
  t.regex(output(), /== SIDECAR == .*outrigger sidecar ready/);
  const metricsPort = Number(/"metricsPort":(\d+)/.exec(output())?.[1]);
  t.true(metricsPort > 0 && metricsPort !== 9090, `each run serves metrics on a port of its own, not 9090: ${metricsPort}`);
});

const SERVER_APP = `
import { createServer } from 'node:http';
createServer((req, res) => res.end('pong')).listen(Number(process.env.APP_PORT), () => console.log('sidecar=' + process.env.DAPR_HTTP_PORT));
`;

test('run forwards SIGTERM and stops both processes', async (t) => {
  const { child, exited, output } = await run(t, SERVER_APP);
  await waitUntil('the app printed its sidecar port', () => /sidecar=\d+/.test(output()));
  const port = /sidecar=(\d+)/.exec(output())![1];
  await waitUntil('the app is invoked through the sidecar', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1.0/healthz`).catch(() => undefined);
    return res?.status === 204;
  });
  const metadata = (await (await fetch(`http://127.0.0.1:${port}/v1.0/metadata`)).json()) as { extended: Record<string, string> };
  t.is(metadata.extended['cliPID'], String(child.pid));
  child.kill('SIGTERM');
  await exited;
  const after = await fetch(`http://127.0.0.1:${port}/v1.0/healthz`).catch(() => 'closed');
  t.is(after, 'closed', 'the sidecar is gone');
});

test('run without a command runs the sidecar alone until stopped', async (t) => {
  const home = await tempDir(t);
  const child = track(spawn(process.execPath, [CLI, 'run', '--app-id', uniqueId('alone'), '--embedded-placement-port', String(await freePortForTest())], {
    env: { ...process.env, OUTRIGGER_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  t.teardown(() => stopProcess(child, 'SIGKILL'));
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitUntil('the sidecar is ready', () => /HTTP API on port (\d+)/.test(output));
  const port = /HTTP API on port (\d+)/.exec(output)![1];
  t.is((await fetch(`http://127.0.0.1:${port}/v1.0/healthz`)).status, 204);
  child.kill('SIGINT');
  t.is(await exited, 0);
});
