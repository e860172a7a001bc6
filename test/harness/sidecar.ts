import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Owner } from './cleanup.js';
import { tempDir } from './files.js';
import { uniqueId } from './ids.js';
import { freePortForTest } from './ports.js';
import { stopProcess, track } from './processes.js';

export const CLI = fileURLToPath(new URL('../../runtime/bin/outrigger.js', import.meta.url));

export interface SidecarStart {
  readonly appId?: string;
  readonly appPort?: number;
  readonly resourcesPaths?: readonly string[];
  /** Further CLI flags. */
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** OUTRIGGER_HOME; a fresh temporary folder unless given. */
  readonly home?: string;
  /**
   * The placement to join (`host:port`). Without it the sidecar uses an embedded placement on
   * a free port of its own, so tests never meet on the default port 50005.
   */
  readonly placement?: string;
  /** `--enable-mtls --mtls-dir <dir>`: a folder that `outrigger cert issue` wrote. */
  readonly mtlsDir?: string;
}

export interface SidecarHandle {
  readonly appId: string;
  readonly port: number;
  /** Where `GET /metrics` is served (a free port), unless the test turned metrics off. */
  readonly metricsPort: number | undefined;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a real sidecar from the built CLI on a free port and waits until it says it is
 * ready. It is stopped when the test ends, pass or fail.
 */
export async function startSidecar(t: Owner, start: SidecarStart = {}): Promise<SidecarHandle> {
  const appId = start.appId ?? uniqueId('app');
  const home = start.home ?? (await tempDir(t, 'outrigger-home-'));
  const args = ['sidecar', '--app-id', appId, '--dapr-http-port', '0', '--log-level', 'debug'];
  if (start.appPort !== undefined) args.push('--app-port', String(start.appPort));
  for (const path of start.resourcesPaths ?? []) args.push('--resources-path', path);
  if (start.mtlsDir) args.push('--enable-mtls', '--mtls-dir', start.mtlsDir);
  args.push(...(start.args ?? []));
  // Never the default 9090: parallel tests would meet there.
  if (!args.some((a) => a.startsWith('--metrics-port') || a.startsWith('--enable-metrics'))) args.push('--metrics-port', '0');
  if (start.placement) args.push('--placement-host-address', start.placement);
  else if (!args.includes('--placement-host-address') && !args.includes('--embedded-placement-port')) {
    args.push('--embedded-placement-port', String(await freePortForTest()));
  }

  const child = track(fork(CLI, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, ...start.env, OUTRIGGER_HOME: home } }));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  t.teardown(() => stopProcess(child).then(() => undefined));

  const ready = await new Promise<{ httpPort: number; metricsPort?: number }>((resolve, reject) => {
    child.on('message', (m: { kind?: string; httpPort: number; metricsPort?: number }) => m.kind === 'outrigger.sidecar.ready' && resolve(m));
    child.once('exit', (code) => reject(new Error(`sidecar exited with ${code} before it was ready:\n${output}`)));
  });
  const port = ready.httpPort;
  return {
    appId,
    port,
    metricsPort: ready.metricsPort,
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    stop: (signal) => stopProcess(child, signal),
  };
}

/** Runs the CLI to completion; for start-up errors and `--help`. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
  const child = track(fork(CLI, [...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, ...env } }));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}
