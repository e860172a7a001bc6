import type { EventEmitter } from 'node:events';
import type { ResolvedOptions } from '../options.js';
import type { AckMessage, RegisterMessage } from '../protocol/index.js';
import { EventLoop, assertNever } from './event-loop.js';
import type { MemberLink, PlacementEvents } from './events.js';
import { NamespaceDisseminator } from './namespace.js';
import type { NamespaceState, PlacementState } from './state.js';
import { VersionIssuer } from './versions.js';

export type DisseminatorOptions = Pick<
  ResolvedOptions,
  'replicationFactor' | 'disseminationTimeoutMs' | 'coalesceWindowMs' | 'resyncGraceMs' | 'clock' | 'logger'
> & { readonly events: EventEmitter<PlacementEvents> };

/**
 * What the server tells the disseminator about connections, already checked against the
 * protocol's order rules. `hostId`/`namespace` are those the link registered with.
 */
export interface Disseminator {
  registered(link: MemberLink, message: RegisterMessage): void;
  acked(link: MemberLink, hostId: string, namespace: string, message: AckMessage): void;
  /** A registered link closed or was closed; unregistered links are never reported. */
  disconnected(link: MemberLink, hostId: string, namespace: string, reason: string): void;
  state(): PlacementState;
  /** Stops every namespace's timers; later reports are ignored. */
  close(): void;
}

type RouterEvent =
  | { readonly kind: 'registered'; readonly link: MemberLink; readonly message: RegisterMessage }
  | { readonly kind: 'acked'; readonly link: MemberLink; readonly hostId: string; readonly namespace: string; readonly message: AckMessage }
  | { readonly kind: 'disconnected'; readonly link: MemberLink; readonly hostId: string; readonly namespace: string; readonly reason: string }
  | { readonly kind: 'namespace-empty'; readonly namespace: string; readonly loop: NamespaceDisseminator }
  | { readonly kind: 'shutdown' };

export function createDisseminator(options: DisseminatorOptions): Disseminator {
  return new NamespaceRouter(options);
}

/**
 * Routes each report to its namespace's loop, and owns what spans namespaces: which connection
 * holds each host id (a host id is one live sidecar, so a second connection replaces the first)
 * and the one version sequence.
 */
class NamespaceRouter extends EventLoop<RouterEvent> implements Disseminator {
  readonly #loops = new Map<string, NamespaceDisseminator>();
  readonly #holders = new Map<string, { readonly link: MemberLink; readonly namespace: string }>();
  readonly #versions: VersionIssuer;
  #closed = false;

  constructor(private readonly options: DisseminatorOptions) {
    super(options.logger);
    this.#versions = new VersionIssuer(options.clock);
  }

  registered(link: MemberLink, message: RegisterMessage): void {
    this.enqueue({ kind: 'registered', link, message });
  }

  acked(link: MemberLink, hostId: string, namespace: string, message: AckMessage): void {
    this.enqueue({ kind: 'acked', link, hostId, namespace, message });
  }

  disconnected(link: MemberLink, hostId: string, namespace: string, reason: string): void {
    this.enqueue({ kind: 'disconnected', link, hostId, namespace, reason });
  }

  close(): void {
    this.enqueue({ kind: 'shutdown' });
  }

  state(): PlacementState {
    const namespaces: Record<string, NamespaceState> = {};
    let tableVersion = 0;
    for (const [namespace, loop] of this.#loops) {
      const state = loop.snapshot();
      namespaces[namespace] = state;
      tableVersion = Math.max(tableVersion, state.version);
    }
    return { tableVersion, replicationFactor: this.options.replicationFactor, namespaces };
  }

  protected handle(event: RouterEvent): void {
    if (this.#closed) return;
    switch (event.kind) {
      case 'registered':
        return this.#register(event.link, event.message);
      case 'acked': {
        const { phase, version } = event.message;
        return this.#loops.get(event.namespace)?.enqueue({ kind: 'acked', link: event.link, hostId: event.hostId, phase, version });
      }
      case 'disconnected':
        return this.#disconnect(event.link, event.hostId, event.namespace, event.reason);
      case 'namespace-empty':
        if (this.#loops.get(event.namespace) === event.loop) this.#loops.delete(event.namespace);
        return;
      case 'shutdown':
        return this.#shutdown();
      default:
        return assertNever(event);
    }
  }

  #register(link: MemberLink, { host, lastTable }: RegisterMessage): void {
    const holder = this.#holders.get(host.hostId);
    if (holder && holder.link !== link) {
      this.options.logger.warn({ hostId: host.hostId, oldConnection: holder.link.id, newConnection: link.id }, 'closing a connection: replaced by a new connection');
      holder.link.evict('replaced by a new connection');
      this.#loops.get(holder.namespace)?.enqueue({ kind: 'left', link: holder.link, hostId: host.hostId, reason: 'replaced by a new connection' });
    }
    this.#holders.set(host.hostId, { link, namespace: host.namespace });
    this.#loopFor(host.namespace).enqueue({ kind: 'registered', link, host, lastTable });
  }

  #disconnect(link: MemberLink, hostId: string, namespace: string, reason: string): void {
    // A replaced connection's close arrives after its successor registered: nothing to undo.
    if (this.#holders.get(hostId)?.link !== link) return;
    this.#holders.delete(hostId);
    this.#loops.get(namespace)?.enqueue({ kind: 'left', link, hostId, reason });
  }

  #loopFor(namespace: string): NamespaceDisseminator {
    const existing = this.#loops.get(namespace);
    if (existing && !existing.stopped) return existing;
    const loop: NamespaceDisseminator = new NamespaceDisseminator({
      namespace,
      replicationFactor: this.options.replicationFactor,
      disseminationTimeoutMs: this.options.disseminationTimeoutMs,
      coalesceWindowMs: this.options.coalesceWindowMs,
      resyncGraceMs: this.options.resyncGraceMs,
      versions: this.#versions,
      events: this.options.events,
      logger: this.options.logger,
      onEmpty: () => this.enqueue({ kind: 'namespace-empty', namespace, loop }),
    });
    this.#loops.set(namespace, loop);
    return loop;
  }

  #shutdown(): void {
    this.#closed = true;
    for (const loop of this.#loops.values()) loop.enqueue({ kind: 'shutdown' });
    this.#loops.clear();
    this.#holders.clear();
  }
}
