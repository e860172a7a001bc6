import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../runtime/src/net/index.js';
import { forkUntilReady, type ReadyChild } from './children.js';

/** The built CLI, as `outrigger run` and users start it. */
const CLI = fileURLToPath(new URL('../../runtime/bin/outrigger.js', import.meta.url));

export interface SidecarStart {
  readonly appId: string;
  /** File name → Component YAML, written to a fresh resources folder. */
  readonly components: Readonly<Record<string, string>>;
  readonly logLevel?: string;
  /** Further sidecar flags, e.g. `--app-port`. */
  readonly args?: readonly string[];
  /** The embedded placement port to share with other sidecars of the run; a free one by default. */
  readonly placementPort?: number;
}

export interface Sidecar {
  readonly appId: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly child: ReadyChild;
  /** Stops the process and removes its temporary folders. */
  stop(): Promise<void>;
}

/**
 * Starts a real sidecar from the built CLI on a free loopback port, as plain Node (not under
 * tsx), with its own resources folder and OUTRIGGER_HOME. Call `stop` when done; if this process
 * exits first the sidecar is killed (and it stops by itself when its IPC channel closes).
 */
export async function startSidecar(start: SidecarStart): Promise<Sidecar> {
  const dir = await mkdtemp(join(tmpdir(), 'outrigger-bench-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    const resources = join(dir, 'resources');
    await writeResources(resources, start.components);
    const child = await forkUntilReady(CLI, {
      args: ['sidecar', '--app-id', start.appId, '--dapr-http-port', '0', '--dapr-listen-addresses', '127.0.0.1',
        '--resources-path', resources, '--log-level', start.logLevel ?? 'warn',
        // Its own embedded placement unless told to share one, so a run never joins a cluster on 50005.
        '--embedded-placement-port', String(start.placementPort ?? (await freePort())), ...(start.args ?? [])],
      // BENCH_SIDECAR_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=prof") profiles the sidecars.
      execArgv: (process.env['BENCH_SIDECAR_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
      env: { OUTRIGGER_HOME: join(dir, 'home') },
      readyKind: 'outrigger.sidecar.ready',
    });
    const stop = async () => {
      await child.stop();
      await removeDir();
    };
    return { appId: start.appId, url: `http://127.0.0.1:${child.httpPort}`, child, stop };
  } catch (err) {
    await removeDir();
    throw err;
  }
}

async function writeResources(dir: string, components: Readonly<Record<string, string>>): Promise<void> {
  await mkdir(dir);
  await Promise.all(Object.entries(components).map(([name, yaml]) => writeFile(join(dir, name), yaml)));
}
