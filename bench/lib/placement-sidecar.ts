/**
 * A simulated sidecar for placement benchmarks: a bare websocket client in this process that
 * registers when told and acks every prepare and commit the moment it arrives, so what is
 * measured is the placement's round, not a sidecar's draining.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION, PLACEMENT_WS_PATH, decode, encode, type HostRecord } from '@outrigger/placement';

export class SimulatedSidecar {
  readonly closed: Promise<void>;

  private constructor(
    readonly ws: WebSocket,
    readonly host: HostRecord,
  ) {
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data: Buffer) => this.#receive(data));
  }

  /** Opens the connection; registering is a separate step, so it can be timed alone. */
  static async connect(port: number, host: HostRecord): Promise<SimulatedSidecar> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${PLACEMENT_WS_PATH}`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new SimulatedSidecar(ws, host);
  }

  register(): void {
    this.ws.send(encode({ kind: 'register', v: PROTOCOL_VERSION, host: this.host }));
  }

  async close(): Promise<void> {
    this.ws.close(1000);
    await this.closed;
  }

  #receive(data: Buffer): void {
    for (const message of decode(data, 'sidecar')) {
      if (message.kind === 'refused') {
        console.error(`the placement refused ${this.host.hostId}: ${message.code} ${message.reason}`);
        continue;
      }
      this.ws.send(encode({ kind: 'ack', v: PROTOCOL_VERSION, phase: message.kind, version: message.version }));
    }
  }
}
