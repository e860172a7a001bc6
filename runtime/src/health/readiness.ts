import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReadinessOptions {
  /** The app's port; when absent the sidecar does not wait for an app. */
  readonly appPort?: number | undefined;
  readonly appAddress: string;
  /** How often to try the app port while it is closed. */
  readonly probeIntervalMs?: number;
}

/**
 * What `/v1.0/healthz` and `/v1.0/healthz/outbound` report. Outbound is ready once the
 * components are up and the API listens; the sidecar as a whole is ready once, in addition,
 * the app port accepts connections (Dapr's start-up order).
 */
export class Readiness {
  #outbound = false;
  #app: boolean;
  readonly #abort = new AbortController();

  constructor(private readonly options: ReadinessOptions) {
    this.#app = options.appPort === undefined;
  }

  get outboundReady(): boolean {
    return this.#outbound;
  }

  get appReady(): boolean {
    return this.#app;
  }

  /** What the sidecar is still waiting for; empty when ready. */
  waitingFor(): string[] {
    const waiting: string[] = [];
    if (!this.#outbound) waiting.push('components');
    if (!this.#app) waiting.push('app-port');
    return waiting;
  }

  markOutboundReady(): void {
    this.#outbound = true;
  }

  /** Resolves once the app port accepts a TCP connection, or when stopped. */
  async waitForApp(): Promise<void> {
    const { appPort, appAddress, probeIntervalMs = 100 } = this.options;
    if (appPort === undefined) return;
    while (!this.#abort.signal.aborted) {
      if (await canConnect(appAddress, appPort)) {
        this.#app = true;
        return;
      }
      await sleep(probeIntervalMs, undefined, { signal: this.#abort.signal }).catch(() => undefined);
    }
  }

  stop(): void {
    this.#abort.abort();
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}
