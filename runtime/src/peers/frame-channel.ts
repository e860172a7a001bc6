/**
 * One websocket seen as a sequence of peer messages, for both ends of a link. Writes queued
 * in one event-loop turn leave as one websocket message (a batch, which `decode` reads back
 * as an array): under load, one frame and one syscall carry many calls. Every message read is
 * decoded and validated; a ProtocolError, from the codec or from the owner's `onMessage`,
 * closes this socket only, with 1008 and the error's code as the reason.
 */
import { CLOSE_PROTOCOL_VIOLATION, ProtocolError, decode, encode, type PeerMessage } from '@outrigger/placement';
import { WebSocket, type RawData } from 'ws';
import type { Logger } from '../logging/index.js';

export interface FrameChannelOptions {
  readonly maxMessageBytes: number;
  readonly batchWrites: boolean;
  readonly logger: Logger;
  /** Each message read, in order. Throw a ProtocolError to refuse it and close the link. */
  readonly onMessage: (message: PeerMessage) => void;
}

/** Called instead of sending when a message alone exceeds the limit; the link stays up. */
export type OnTooLarge = (bytes: number) => void;

/** RFC 6455: the endpoint met a condition it did not expect. */
const CLOSE_INTERNAL_ERROR = 1011;

interface Queued {
  readonly message: PeerMessage;
  readonly onTooLarge: OnTooLarge | undefined;
}

export class FrameChannel {
  #queue: Queued[] = [];
  #flushScheduled = false;
  #refused = false;

  constructor(
    readonly socket: WebSocket,
    private readonly options: FrameChannelOptions,
  ) {
    socket.on('message', (data) => this.#receive(data));
  }

  /** Queues a message; it leaves at the end of this turn, or as soon as the socket opens. */
  send(message: PeerMessage, onTooLarge?: OnTooLarge): void {
    this.#queue.push({ message, onTooLarge });
    if (!this.options.batchWrites) return this.flush();
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.flush();
    });
  }

  /** Writes everything queued, if the socket is open (a connecting socket keeps its queue). */
  flush(): void {
    const state = this.socket.readyState;
    if (state === WebSocket.CONNECTING || this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    if (state === WebSocket.OPEN) this.#write(batch);
  }

  /** Closes the link for a protocol violation: 1008, the code as reason, the detail in the log. */
  refuse(error: ProtocolError): void {
    if (this.#refused) return;
    this.#refused = true;
    this.options.logger.warn({ code: error.code, reason: error.message }, 'peer link closed: protocol violation');
    // A close reason is limited to 123 bytes: the stable code fits, the detail may not.
    this.socket.close(CLOSE_PROTOCOL_VIOLATION, error.code);
  }

  #write(batch: readonly Queued[]): void {
    const bytes = encode(batch.length === 1 ? batch[0]!.message : batch.map((q) => q.message));
    if (bytes.byteLength <= this.options.maxMessageBytes) return this.socket.send(bytes);
    if (batch.length === 1) return this.#tooLarge(batch[0]!, bytes.byteLength);
    // Rare: a batch over the limit is split until each part fits or is one oversized message.
    const half = Math.ceil(batch.length / 2);
    this.#write(batch.slice(0, half));
    this.#write(batch.slice(half));
  }

  #tooLarge(item: Queued, bytes: number): void {
    if (item.onTooLarge) return item.onTooLarge(bytes);
    this.options.logger.error({ kind: item.message.kind, bytes }, 'peer message over the size limit dropped');
  }

  #receive(data: RawData): void {
    if (this.#refused) return;
    try {
      for (const message of decode(toBytes(data), 'peer', this.options.maxMessageBytes)) {
        this.options.onMessage(message);
        if (this.#refused) return;
      }
    } catch (err) {
      if (err instanceof ProtocolError) return this.refuse(err);
      // A bug on this side, not the peer's fault; still, a throw here would end the process.
      this.#refused = true;
      this.options.logger.error({ err }, 'peer link closed: a message could not be handled');
      this.socket.close(CLOSE_INTERNAL_ERROR, 'internal error');
    }
  }
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
