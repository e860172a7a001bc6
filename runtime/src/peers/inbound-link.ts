/**
 * The serving end of one peer link: it waits for the caller's hello (the caller's identity for
 * the link's life), answers with its own, then serves every `invoke` concurrently and answers
 * each with a `response` or a `failure`.
 */
import {
  PROTOCOL_VERSION,
  ProtocolError,
  type ActorCallRequest,
  type TimerHandoffRequest,
  type InvokeRequest,
  type PeerFailure,
  type PeerRequestMessage,
  type PeerMessage,
  type PeerResponse,
  type SpiffeId,
} from '@outrigger/placement';
import type { WebSocket } from 'ws';
import { ApiError, apiErrors } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { FrameChannel } from './frame-channel.js';
import { helloOf, identityOf, type PeerIdentity } from './identity.js';
import type { PeerLimits } from './limits.js';

/** What a handler answers: an HTTP-shaped response, passed on as it is. */
export interface PeerReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Uint8Array;
}

/**
 * Serves requests from `caller`, one method per request kind. Throw an ApiError to answer with
 * its code, status and message; anything else is answered as ERR_INTERNAL (and logged).
 * `signal` aborts when the caller's `timeoutMs` has passed or the link dropped: nobody waits
 * for the answer any more.
 */
export interface PeerHandler {
  invoke(request: InvokeRequest, caller: PeerIdentity, signal: AbortSignal): Promise<PeerReply>;
  /** Absent on a sidecar that hosts no actor runtime: actor calls are then refused. */
  actorCall?(request: ActorCallRequest, caller: PeerIdentity, signal: AbortSignal): Promise<PeerReply>;
  /** Timers of actors that moved here in a table change. */
  timerHandoff?(request: TimerHandoffRequest, caller: PeerIdentity, signal: AbortSignal): Promise<PeerReply>;
}

export interface InboundLinkContext {
  readonly self: PeerIdentity;
  readonly handler: PeerHandler;
  readonly limits: PeerLimits;
  readonly logger: Logger;
}

/** `proven`: the identity the caller's certificate proves (mTLS); its hello must match it. */
export function serveInboundLink(socket: WebSocket, context: InboundLinkContext, proven?: SpiffeId): void {
  new InboundLink(socket, context, proven);
}

class InboundLink {
  #caller: PeerIdentity | undefined;
  #gone = false;
  readonly #inFlight = new Set<AbortController>();
  readonly #channel: FrameChannel;
  readonly #helloTimer: NodeJS.Timeout;

  constructor(
    socket: WebSocket,
    private readonly context: InboundLinkContext,
    private readonly proven: SpiffeId | undefined,
  ) {
    const { limits, logger } = context;
    this.#channel = new FrameChannel(socket, { ...limits, logger, onMessage: (m) => this.#onMessage(m) });
    this.#helloTimer = setTimeout(() => this.#channel.refuse(noHello(limits.helloTimeoutMs)), limits.helloTimeoutMs);
    socket.on('error', (err) => logger.debug({ err }, 'peer link error'));
    socket.once('close', () => this.#onClose());
  }

  #onMessage(message: PeerMessage): void {
    if (!this.#caller) return this.#greet(message);
    if (message.kind !== 'invoke' && message.kind !== 'actor-call' && message.kind !== 'timer-handoff') {
      throw new ProtocolError('PROTO_OUT_OF_ORDER', `a ${message.kind} is not a request`);
    }
    void this.#serve(message, this.#caller);
  }

  #greet(message: PeerMessage): void {
    if (message.kind !== 'hello') throw new ProtocolError('PROTO_OUT_OF_ORDER', `expected a hello first, got ${message.kind}`);
    clearTimeout(this.#helloTimer);
    this.#caller = identityOf(message, this.proven);
    this.#channel.send(helloOf(this.context.self));
  }

  async #serve(request: PeerRequestMessage, caller: PeerIdentity): Promise<void> {
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(), request.timeoutMs);
    this.#inFlight.add(abort);
    let answer: PeerResponse | PeerFailure;
    try {
      const { handler } = this.context;
      const reply = await this.#dispatch(handler, request, caller, abort.signal);
      answer = { kind: 'response', v: PROTOCOL_VERSION, id: request.id, status: reply.status, headers: reply.headers, body: reply.body };
    } catch (err) {
      answer = this.#failure(request.id, err);
    } finally {
      clearTimeout(deadline);
      this.#inFlight.delete(abort);
    }
    if (this.#gone) return;
    this.#channel.send(answer, (bytes) => this.#channel.send(this.#failure(request.id, tooLarge(request, bytes, this.context.limits))));
  }

  #dispatch(handler: PeerHandler, request: PeerRequestMessage, caller: PeerIdentity, signal: AbortSignal): Promise<PeerReply> {
    switch (request.kind) {
      case 'invoke':
        return handler.invoke(request, caller, signal);
      case 'actor-call':
        if (!handler.actorCall) throw apiErrors.internalDetail('this sidecar hosts no actors');
        return handler.actorCall(request, caller, signal);
      case 'timer-handoff':
        if (!handler.timerHandoff) throw apiErrors.internalDetail('this sidecar hosts no actors');
        return handler.timerHandoff(request, caller, signal);
    }
  }

  #failure(id: number, err: unknown): PeerFailure {
    if (!(err instanceof ApiError)) this.context.logger.error({ err }, 'a peer request failed unexpectedly');
    // Only an ApiError's message is meant for callers; anything else may carry internals.
    const error = err instanceof ApiError ? err : apiErrors.internal();
    return { kind: 'failure', v: PROTOCOL_VERSION, id, errorCode: error.code, status: error.status, message: error.message };
  }

  #onClose(): void {
    this.#gone = true;
    clearTimeout(this.#helloTimer);
    for (const abort of this.#inFlight) abort.abort();
  }
}

function noHello(timeoutMs: number): ProtocolError {
  return new ProtocolError('PROTO_OUT_OF_ORDER', `no hello within ${timeoutMs} ms`);
}

function tooLarge(request: PeerRequestMessage, bytes: number, limits: PeerLimits): ApiError {
  const detail = `the response of ${bytes} bytes exceeds the peer link limit of ${limits.maxMessageBytes} bytes`;
  return request.kind === 'invoke' ? apiErrors.invokeFailed(request.appId, detail) : apiErrors.internalDetail(detail);
}
