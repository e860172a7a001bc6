import { fork } from 'node:child_process';
import test from 'ava';
import type { PlacementState } from '../../../placement/src/index.js';
import type { PlacementReadyMessage } from '../../../runtime/src/cli/placement-command.js';
import { stopProcess, track } from '../../harness/processes.js';
import { CLI, runCli } from '../../harness/sidecar.js';
import { FakeSidecar } from '../../placement/helpers/fake-sidecar.js';
import { waitForTable } from '../../placement/helpers/placement.js';

test('outrigger placement starts, says it is ready over IPC, serves sidecars and state, and exits 0 on SIGTERM', async (t) => {
  const args = ['placement', '--port', '0', '--listen-address', '127.0.0.1', '--host-timeout', '1s', '--dissemination-timeout', '2s', '--replication-factor', '8'];
  const child = track(fork(CLI, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  t.teardown(() => stopProcess(child, 'SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: PlacementReadyMessage) => m.kind === 'outrigger.placement.ready' && resolve(m.port));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready:\n${output}`)));
  });
  t.regex(output, new RegExp(`outrigger placement ready on port ${port}`));

  const sidecar = await FakeSidecar.connect(t, port);
  await waitForTable([sidecar], [sidecar]);
  const state = (await (await fetch(`http://127.0.0.1:${port}/placement/state`)).json()) as PlacementState;
  t.is(state.replicationFactor, 8);
  t.deepEqual(state.namespaces['']!.hosts.map((h) => h.hostId), [sidecar.hostId]);

  t.is(await stopProcess(child, 'SIGTERM'), 0);
  t.is((await sidecar.closed).code, 1001, 'sidecars are told the placement is going away');
});

test('outrigger placement refuses a duration that is not a Go duration', async (t) => {
  const { code, output } = await runCli(['placement', '--port', '0', '--host-timeout', '3 seconds']);
  t.not(code, 0);
  t.regex(output, /--host-timeout.*must be a Go duration/s);
});

test('outrigger placement refuses a coalesce window as long as the dissemination timeout', async (t) => {
  const { code, output } = await runCli(['placement', '--port', '0', '--coalesce-window', '5s', '--dissemination-timeout', '5s']);
  t.is(code, 1);
  t.regex(output, /coalesceWindowMs \(5000\) must be shorter than disseminationTimeoutMs/);
});

test('outrigger placement --help lists its flags', async (t) => {
  const { code, output } = await runCli(['placement', '--help']);
  t.is(code, 0);
  for (const flag of ['--port', '--listen-address', '--replication-factor', '--host-timeout', '--dissemination-timeout', '--coalesce-window', '--log-level', '--log-as-json']) {
    t.regex(output, new RegExp(flag), flag);
  }
});
