import type { RingSummary } from '../table/index.js';

/** One host of a namespace's committed table, as `GET /placement/state` shows it. */
export interface HostState {
  readonly hostId: string;
  readonly appId: string;
  readonly address: string;
  readonly actorTypes: readonly string[];
  /** When its connection last showed life (ISO 8601). */
  readonly lastSeen: string;
}

/** A namespace's last committed table (version 0 and no hosts before its first commit). */
export interface NamespaceState {
  readonly version: number;
  readonly hosts: readonly HostState[];
  readonly rings: readonly RingSummary[];
}

/** The body of `GET /placement/state`. */
export interface PlacementState {
  /** The highest committed version of any namespace; 0 before the first commit. */
  readonly tableVersion: number;
  readonly replicationFactor: number;
  /** Keyed by the namespace exactly as sidecars register it ('' is the default namespace). */
  readonly namespaces: Readonly<Record<string, NamespaceState>>;
}
