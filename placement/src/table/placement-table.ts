import HashRing from 'hashring';
import type { HostRecord } from '../protocol/index.js';

export interface RingSummary {
  readonly actorType: string;
  readonly hosts: readonly string[];
  readonly vnodesPerHost: number;
}

/**
 * One namespace's table at one version: its members and, per actor type, a consistent-hash
 * ring (hashring, ketama) over the hosts of that type. Built from the same membership, every
 * sidecar computes the same rings, so any of them resolves (type, id) → host locally.
 */
export class PlacementTable {
  readonly #rings = new Map<string, HashRing>();
  readonly #typeHosts = new Map<string, string[]>();
  readonly #byHostId: ReadonlyMap<string, HostRecord>;

  private constructor(
    readonly version: number,
    readonly replicationFactor: number,
    readonly members: readonly HostRecord[],
  ) {
    this.#byHostId = new Map(members.map((m) => [m.hostId, m]));
    for (const member of members) {
      for (const type of member.actorTypes) {
        const hosts = this.#typeHosts.get(type) ?? [];
        hosts.push(member.hostId);
        this.#typeHosts.set(type, hosts);
      }
    }
    for (const hosts of this.#typeHosts.values()) hosts.sort();
  }

  /** Members are sorted by host id, so the same membership always gives the same table. */
  static build(version: number, replicationFactor: number, members: readonly HostRecord[]): PlacementTable {
    const sorted = [...members].sort((a, b) => (a.hostId < b.hostId ? -1 : a.hostId > b.hostId ? 1 : 0));
    return new PlacementTable(version, replicationFactor, sorted);
  }

  static empty(): PlacementTable {
    return new PlacementTable(0, 1, []);
  }

  /** The host that owns this actor, or undefined when no host serves the type. */
  ownerOf(actorType: string, actorId: string): HostRecord | undefined {
    const ring = this.#ring(actorType);
    if (!ring) return undefined;
    return this.#byHostId.get(ring.get(actorId));
  }

  host(hostId: string): HostRecord | undefined {
    return this.#byHostId.get(hostId);
  }

  /** Every instance of an app in this namespace, in a stable order. */
  instancesOf(appId: string): HostRecord[] {
    return this.members.filter((m) => m.appId === appId);
  }

  actorTypes(): string[] {
    return [...this.#typeHosts.keys()].sort();
  }

  /**
   * Actor types whose ring differs in `next` (hosts added or removed). Only actors of these
   * types can change owner; the others never pause during a table change.
   */
  changedTypes(next: PlacementTable): Set<string> {
    const changed = new Set<string>();
    const types = new Set([...this.#typeHosts.keys(), ...next.#typeHosts.keys()]);
    const sameRf = this.replicationFactor === next.replicationFactor;
    for (const type of types) {
      const before = this.#typeHosts.get(type)?.join('\n');
      const after = next.#typeHosts.get(type)?.join('\n');
      if (before !== after || !sameRf) changed.add(type);
    }
    return changed;
  }

  summary(): RingSummary[] {
    return this.actorTypes().map((actorType) => ({
      actorType,
      hosts: this.#typeHosts.get(actorType)!,
      vnodesPerHost: this.replicationFactor,
    }));
  }

  #ring(actorType: string): HashRing | undefined {
    let ring = this.#rings.get(actorType);
    if (ring) return ring;
    const hosts = this.#typeHosts.get(actorType);
    if (!hosts) return undefined;
    const servers = Object.fromEntries(hosts.map((h) => [h, { vnodes: this.replicationFactor }]));
    ring = new HashRing(servers, 'md5', { 'max cache size': 10_000 });
    this.#rings.set(actorType, ring);
    return ring;
  }
}
