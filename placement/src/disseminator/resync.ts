import type { LastTable } from './events.js';

/**
 * Holds a namespace's first round until the hosts its sidecars last committed with are back.
 * A placement that restarted and disseminated a half-empty table would give actors of missing
 * hosts to the hosts present, while the missing ones, still alive, keep them: one actor, two
 * activations. So the first round waits for every host id any registrant's lastTable names,
 * or for the grace period, whichever comes first. Registrants without a lastTable (a fresh
 * cluster) add nothing to wait for.
 */
export class ResyncGate {
  readonly #expected = new Set<string>();
  readonly #seen = new Set<string>();
  #open = false;

  registered(hostId: string, lastTable: LastTable | undefined): void {
    this.#seen.add(hostId);
    for (const id of lastTable?.hostIds ?? []) this.#expected.add(id);
  }

  /** Hosts named by some lastTable that have not registered since this namespace appeared. */
  missing(): string[] {
    return [...this.#expected].filter((id) => !this.#seen.has(id)).sort();
  }

  /** Once open (grace over, or the first round started) the gate never closes again. */
  open(): void {
    this.#open = true;
  }

  isOpen(): boolean {
    if (!this.#open && this.missing().length === 0) this.#open = true;
    return this.#open;
  }
}
