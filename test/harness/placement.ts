import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import type { Owner } from './cleanup.js';
import { stopProcess, track } from './processes.js';
import { CLI } from './sidecar.js';

export interface PlacementHandle {
  readonly port: number;
  /** Where its `GET /metrics` is served (a free port). */
  readonly metricsPort: number | undefined;
  /** `127.0.0.1:<port>`, for `--placement-host-address`. */
  readonly address: string;
  readonly process: ChildProcess;
  output(): string;
  /** The placement's `GET /placement/state`. */
  state<T = PlacementStateBody>(): Promise<T>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface PlacementStateBody {
  readonly tableVersion: number;
  readonly namespaces: Record<string, { version: number; hosts: Array<{ hostId: string; appId: string; address: string; actorTypes: string[] }> }>;
}

/**
 * Starts a real placement process from the built CLI (port 0 unless given) and waits until it is
 * ready. With `mtlsDir` it serves mTLS only, and `state()` presents that folder's certificate.
 */
export async function startPlacementProcess(t: Owner, args: readonly string[] = [], port = 0, mtlsDir?: string): Promise<PlacementHandle> {
  const metricsArgs = args.some((a) => a.startsWith('--metrics-port') || a.startsWith('--enable-metrics')) ? [] : ['--metrics-port', '0'];
  const mtlsArgs = mtlsDir ? ['--enable-mtls', '--mtls-dir', mtlsDir] : [];
  const child = track(fork(CLI, ['placement', '--port', String(port), '--log-level', 'debug', ...metricsArgs, ...mtlsArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  t.teardown(() => stopProcess(child).then(() => undefined));
  const { port: ready, metricsPort } = await new Promise<{ port: number; metricsPort?: number }>((resolve, reject) => {
    child.on('message', (m: { kind?: string; port: number; metricsPort?: number }) => m.kind === 'outrigger.placement.ready' && resolve(m));
    child.once('exit', (code) => reject(new Error(`placement exited with ${code} before it was ready:\n${output}`)));
  });
  return {
    port: ready,
    metricsPort,
    address: `127.0.0.1:${ready}`,
    process: child,
    output: () => output,
    state: async <T>() => (mtlsDir ? getOverMtls<T>(`https://127.0.0.1:${ready}/placement/state`, mtlsDir) : ((await (await fetch(`http://127.0.0.1:${ready}/placement/state`)).json()) as T)),
    stop: (signal) => stopProcess(child, signal),
  };
}

/** A GET that presents the certificate in `dir` (ca.crt, tls.crt, tls.key) and trusts its CA. */
function getOverMtls<T>(url: string, dir: string): Promise<T> {
  const read = (file: string) => readFileSync(join(dir, file));
  const options = { ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key'), checkServerIdentity: () => undefined };
  return new Promise((resolve, reject) => {
    get(url, options, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as T);
        } catch (err) {
          reject(err);
        }
      });
    }).on('error', reject);
  });
}
