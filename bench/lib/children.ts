import { fork, type ChildProcess } from 'node:child_process';

/** Every child still running; SIGKILLed when this process exits, however it exits. */
const live = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ForkOptions {
  readonly args?: readonly string[];
  /** Node flags for the child; `[]` runs it as plain Node, without this process's `--import=tsx`. */
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** The `kind` of the IPC message `{ kind, httpPort }` that says the child is serving. */
  readonly readyKind: string;
  readonly readyTimeoutMs?: number;
}

export interface ReadyChild {
  readonly process: ChildProcess;
  readonly httpPort: number;
  /** Everything it printed so far (the last 64 KiB). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

interface ReadyMessage {
  readonly kind?: unknown;
  readonly httpPort?: unknown;
}

const OUTPUT_LIMIT = 64 * 1024;

/** Forks `script` and waits for its ready message; kills it if it is not ready in time. */
export async function forkUntilReady(script: string, options: ForkOptions): Promise<ReadyChild> {
  const child = fork(script, [...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
    ...(options.execArgv ? { execArgv: [...options.execArgv] } : {}),
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_LIMIT));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    const httpPort = await readyPort(child, options.readyKind, options.readyTimeoutMs ?? 30_000, () => output);
    return { process: child, httpPort, output: () => output, stop: (graceMs) => stopChild(child, graceMs) };
  } catch (err) {
    await stopChild(child, 0);
    throw err;
  }
}

function readyPort(child: ChildProcess, kind: string, timeoutMs: number, output: () => string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind}: not ready after ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    child.on('message', (message: ReadyMessage) => {
      if (message.kind !== kind || typeof message.httpPort !== 'number') return;
      clearTimeout(timer);
      resolve(message.httpPort);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${kind}: exited (${signal ?? code}) before it was ready:\n${output()}`));
    });
  });
}

async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
