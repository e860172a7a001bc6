import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { request } from 'undici';
import { freePort } from '../net/index.js';
import type { ReadyMessage } from './sidecar-command.js';
import { addSidecarFlags } from './sidecar-flags.js';

const CLI_ENTRY = fileURLToPath(new URL('../../bin/outrigger.js', import.meta.url));

/**
 * `outrigger run`: a sidecar and its app together, as `dapr run` does. Sidecar flags pass
 * through unchanged; ports not given are picked free. The app learns them from
 * DAPR_HTTP_PORT, APP_ID and APP_PORT. Either process exiting stops the other.
 */
export function runCommand(): Command {
  return addSidecarFlags(new Command('run'))
    .description('run a sidecar and, after "--", the app command with DAPR_HTTP_PORT, APP_ID and APP_PORT set')
    .argument('[command...]', 'the app to start, after "--"')
    .passThroughOptions()
    .action(async (appCommand: string[], flags: { appId: string; appPort?: number; daprHttpPort?: number; httpPort?: number }, command: Command) => {
      const sidecarArgs = sidecarArgsOf(command, appCommand);
      const appPort = flags.appPort ?? (appCommand.length > 0 ? await freePort() : undefined);
      if (flags.appPort === undefined && appPort !== undefined) sidecarArgs.push('--app-port', String(appPort));
      if (flags.daprHttpPort === undefined && flags.httpPort === undefined) sidecarArgs.push('--dapr-http-port', '0');
      // As `dapr run` does: each run gets a metrics port of its own, so several apps on one
      // machine don't all reach for 9090.
      if (!sidecarArgs.some((arg) => arg.startsWith('--metrics-port'))) sidecarArgs.push('--metrics-port', '0');
      process.exitCode = await runTogether({ appId: flags.appId, appPort, sidecarArgs, appCommand });
    });
}

/** The raw flags given to `run`, which are all sidecar flags. */
function sidecarArgsOf(command: Command, appCommand: string[]): string[] {
  const argv = process.argv.slice(process.argv.indexOf(command.name()) + 1);
  const end = argv.indexOf('--');
  return (end >= 0 ? argv.slice(0, end) : argv.slice(0, argv.length - appCommand.length)).slice();
}

interface RunPlan {
  readonly appId: string;
  readonly appPort: number | undefined;
  readonly sidecarArgs: string[];
  readonly appCommand: string[];
}

async function runTogether(plan: RunPlan): Promise<number> {
  const sidecar = spawn(process.execPath, [CLI_ENTRY, 'sidecar', ...plan.sidecarArgs], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  prefixLines(sidecar, '== SIDECAR ==');
  const sidecarExit = exitOf(sidecar);
  const ready = await Promise.race([readyMessage(sidecar), sidecarExit.then(() => undefined)]);
  if (!ready) return (await sidecarExit) || 1;
  if (plan.appCommand.length === 0) return forwardSignalsUntilExit([sidecar], sidecarExit);

  const [file, ...args] = plan.appCommand as [string, ...string[]];
  const app = spawn(file, args, {
    stdio: ['inherit', 'pipe', 'pipe'],
    env: {
      ...process.env,
      APP_ID: plan.appId,
      DAPR_HTTP_PORT: String(ready.httpPort),
      ...(plan.appPort !== undefined ? { APP_PORT: String(plan.appPort) } : {}),
    },
  });
  prefixLines(app, '== APP ==');
  const appExit = exitOf(app);
  void recordRunMetadata(ready.httpPort, app, plan.appCommand);
  void sidecarExit.then(() => app.exitCode === null && app.kill('SIGTERM'));
  const status = await forwardSignalsUntilExit([app, sidecar], appExit);
  if (sidecar.exitCode === null) sidecar.kill('SIGTERM');
  await sidecarExit;
  return status;
}

function readyMessage(child: ChildProcess): Promise<ReadyMessage> {
  return new Promise((resolve) => {
    child.on('message', (message: ReadyMessage) => {
      if (message?.kind === 'outrigger.sidecar.ready') resolve(message);
    });
  });
}

/** Resolves with the exit code (128 + n for a signal, as shells report it). */
function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('error', (err) => {
      process.stderr.write(`outrigger: cannot start ${child.spawnfile}: ${err.message}\n`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 1;
}

async function forwardSignalsUntilExit(children: ChildProcess[], exit: Promise<number>): Promise<number> {
  const forward = (signal: NodeJS.Signals) => children.forEach((c) => c.exitCode === null && c.kill(signal));
  process.on('SIGINT', forward).on('SIGTERM', forward);
  try {
    return await exit;
  } finally {
    process.off('SIGINT', forward).off('SIGTERM', forward);
  }
}

function prefixLines(child: ChildProcess, prefix: string): void {
  const pipe = (from: NodeJS.ReadableStream | null, to: NodeJS.WritableStream) => {
    if (!from) return;
    createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`${prefix} ${line}\n`));
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
}

/** As `dapr run` does, so tools reading the metadata can find the processes. */
async function recordRunMetadata(httpPort: number, app: ChildProcess, appCommand: string[]): Promise<void> {
  const put = (key: string, value: string) =>
    request(`http://127.0.0.1:${httpPort}/v1.0/metadata/${key}`, { method: 'PUT', body: value }).then((r) => r.body.dump());
  await Promise.all([put('cliPID', String(process.pid)), put('appPID', String(app.pid ?? '')), put('appCommand', appCommand.join(' '))]).catch(
    () => undefined,
  );
}
