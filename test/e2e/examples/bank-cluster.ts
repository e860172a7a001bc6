import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Owner } from '../../harness/cleanup.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { freePortForTest } from '../../harness/ports.js';
import { stopProcess, track } from '../../harness/processes.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';
import { OutriggerClient } from '../../../sdk/src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface BankInstance {
  readonly app: ChildProcess;
  readonly sidecar: SidecarHandle;
  readonly client: OutriggerClient;
  appOutput(): string;
  /** kill -9 of the app and its sidecar. */
  crash(): Promise<void>;
}

export interface Bank {
  readonly appId: string;
  startInstance(): Promise<BankInstance>;
}

/** examples/bank as it runs for real: `node examples/bank/app.mjs` behind a real sidecar, on Redis. */
export async function bankOf(t: Owner, options: { placement?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Bank> {
  const appId = uniqueId('bank');
  const { host, port } = redisAddress();
  const resources = await resourcesDir(t, { 'statestore.yaml': componentYaml('statestore', 'state.redis', { redisHost: `${host}:${port}`, actorStateStore: 'true' }) });
  t.teardown(() => removeKeys(appId));
  const startInstance = async (): Promise<BankInstance> => {
    const [appPort, sidecarPort] = [await freePortForTest(), await freePortForTest()];
    const app = track(spawn(process.execPath, ['examples/bank/app.mjs'], {
      cwd: ROOT,
      env: { ...process.env, ...options.env, APP_PORT: String(appPort), DAPR_HTTP_PORT: String(sidecarPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let output = '';
    app.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    app.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    t.teardown(() => stopProcess(app, 'SIGKILL'));
    const sidecar = await startSidecar(t, {
      appId,
      appPort,
      resourcesPaths: [resources],
      args: ['--dapr-http-port', String(sidecarPort)],
      ...(options.placement ? { placement: options.placement } : {}),
    });
    const client = new OutriggerClient({ port: sidecar.port, timeoutMs: 20_000 });
    t.teardown(() => client.close());
    return {
      app,
      sidecar,
      client,
      appOutput: () => output,
      crash: async () => {
        await Promise.all([stopProcess(app, 'SIGKILL'), sidecar.stop('SIGKILL')]);
      },
    };
  };
  return { appId, startInstance };
}

async function removeKeys(appId: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const { host, port } = redisAddress();
  const redis = new Redis({ host, port });
  try {
    const keys = await redis.keys(`*${appId}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** The bank's actors as a caller sees them (the example is JavaScript, so the types are written here). */
export interface AccountApi {
  open(initialBalance: number): Promise<number>;
  balance(): Promise<number>;
}

export interface TransferApi {
  execute(from: string, to: string, amount: number): Promise<'completed'>;
}
