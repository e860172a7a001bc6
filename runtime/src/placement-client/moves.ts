import type { PlacementTable } from '@outrigger/placement';

/**
 * The actors whose owner changes between the committed table and a prepared one. Calls to
 * them wait for the commit; calls to every other actor go on as before.
 */
export class PendingMove {
  readonly #changedTypes: ReadonlySet<string>;
  readonly #done: Promise<void>;
  #finish!: () => void;

  constructor(
    readonly from: PlacementTable,
    readonly to: PlacementTable,
  ) {
    this.#changedTypes = from.changedTypes(to);
    this.#done = new Promise((resolve) => (this.#finish = resolve));
  }

  get version(): number {
    return this.to.version;
  }

  /** Whether this actor's owner differs between the two tables. */
  moves(actorType: string, actorId: string): boolean {
    if (!this.#changedTypes.has(actorType)) return false;
    return this.from.ownerOf(actorType, actorId)?.hostId !== this.to.ownerOf(actorType, actorId)?.hostId;
  }

  /** Resolves when the move is committed, superseded or abandoned. */
  settled(): Promise<void> {
    return this.#done;
  }

  settle(): void {
    this.#finish();
  }
}
