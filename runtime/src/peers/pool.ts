/**
 * The calling side of peer links: one persistent link per peer address, opened on first use,
 * shared by every request to that address, and replaced by a new one after it drops.
 */
import type { MutualTls, PeerResponse } from '@outrigger/placement';
import type { Logger } from '../logging/index.js';
import { PeerError } from './errors.js';
import type { PeerIdentity } from './identity.js';
import { resolveLimits, type PeerLimits } from './limits.js';
import { OutboundLink, type PeerRequest } from './outbound-link.js';

export interface PeerPoolOptions extends PeerIdentity, Partial<PeerLimits> {
  readonly logger: Logger;
  /** Mutual TLS: present this certificate, accept only peers the CA signed, bind hellos to them. */
  readonly tls?: MutualTls | undefined;
}

export interface PeerPool {
  /**
   * Sends `message` to the sidecar whose peer endpoint is `address` (`host:port`) and resolves
   * with its response. Rejects with PeerUnavailableError (retryable: no link, or it dropped
   * with the request pending), PeerFailureError (the peer answered with a Dapr error), or a
   * PeerError coded PEER_TIMEOUT, PEER_REFUSED, PEER_TOO_LARGE or PEER_CLOSED.
   */
  request(address: string, message: PeerRequest, timeoutMs: number): Promise<PeerResponse>;
  /** Closes every link; pending requests fail with PEER_CLOSED. */
  close(): Promise<void>;
}

export function createPeerPool(options: PeerPoolOptions): PeerPool {
  return new LinkPool(options);
}

class LinkPool implements PeerPool {
  readonly #links = new Map<string, OutboundLink>();
  readonly #self: PeerIdentity;
  readonly #limits: PeerLimits;
  #closed = false;

  constructor(private readonly options: PeerPoolOptions) {
    this.#self = { hostId: options.hostId, appId: options.appId, namespace: options.namespace };
    this.#limits = resolveLimits(options);
  }

  request(address: string, message: PeerRequest, timeoutMs: number): Promise<PeerResponse> {
    if (this.#closed) return Promise.reject(new PeerError('PEER_CLOSED', 'the peer pool is closed'));
    return this.#link(address).request(message, timeoutMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#links.values()].map((link) => link.close()));
  }

  #link(address: string): OutboundLink {
    const existing = this.#links.get(address);
    if (existing) return existing;
    const link: OutboundLink = new OutboundLink(address, {
      self: this.#self,
      limits: this.#limits,
      logger: this.options.logger,
      tls: this.options.tls,
      onClosed: () => {
        if (this.#links.get(address) === link) this.#links.delete(address);
      },
    });
    this.#links.set(address, link);
    return link;
  }
}
