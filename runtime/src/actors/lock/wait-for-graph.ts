/**
 * The wait-for graph one sidecar shares between all its turn locks, so a call that could only
 * ever wait is refused at once instead of hanging until the call timeout.
 *
 * Nodes are actors. A call waiting for actor Q whose path holds actor P adds the edge P → Q:
 * P's current turn cannot end before that call gets Q. Edges come only from paths, never from
 * "chain X holds P and chain X waits somewhere": one chain can fan out, and a branch that holds
 * P is not blocked by a sibling that waits. An edge counts only while P is held by the waiting
 * call's chain (or either chain id is unknown), so a path left stale by a deactivation does not
 * invent a cycle. Edges appear only when a call starts waiting, so every cycle is closed, and
 * caught, by the acquire that would create it.
 *
 * Not detected: cycles whose edges live on other sidecars. The path carries a chain's own
 * history across sidecars (A → B → A is caught anywhere), but two chains that wait for each
 * other across sidecars fall back to the call timeout. Calls without a path add no edges.
 */

/** A call waiting for a turn, as the graph sees it. */
export interface Wait {
  /** The actor key the call waits for. */
  readonly at: string;
  /** The call chain (Dapr-Reentrancy-Id), when known. */
  readonly chainId: string | undefined;
  /** Actor keys whose turns the calling chain holds, in call order. */
  readonly path: readonly string[];
}

/** The chain holding a turn; compared by identity, so a closed lock cannot free its successor. */
export interface Holder {
  readonly chainId: string | undefined;
}

/** A cycle the graph found: actor keys in "waits for" order, first = last. */
export interface Cycle {
  readonly actors: readonly string[];
  /** True when the call's own path closes it: the chain would wait for its own turn. */
  readonly ownChain: boolean;
}

export interface WaitForGraph {
  /** The turn on `key` now belongs to `holder`. */
  held(key: string, holder: Holder): void;
  /** `holder` no longer holds `key` (ignored if another holder took over since). */
  freed(key: string, holder: Holder): void;
  addWait(wait: Wait): void;
  removeWait(wait: Wait): void;
  /** The cycle `wait` would close if it started waiting now, or undefined. */
  findCycle(wait: Wait): Cycle | undefined;
  /** How many actors are held and how many calls wait; for metrics and leak checks. */
  stats(): { readonly held: number; readonly waiting: number };
}

export function createWaitForGraph(): WaitForGraph {
  return new Graph();
}

class Graph implements WaitForGraph {
  readonly #holders = new Map<string, Holder>();
  /** Actor key → the waits whose path holds it: the actor's turn is stuck behind each. */
  readonly #blockedBy = new Map<string, Set<Wait>>();
  #waiting = 0;

  held(key: string, holder: Holder): void {
    this.#holders.set(key, holder);
  }

  freed(key: string, holder: Holder): void {
    if (this.#holders.get(key) === holder) this.#holders.delete(key);
  }

  addWait(wait: Wait): void {
    this.#waiting++;
    for (const key of wait.path) {
      const waits = this.#blockedBy.get(key);
      if (waits) waits.add(wait);
      else this.#blockedBy.set(key, new Set([wait]));
    }
  }

  removeWait(wait: Wait): void {
    this.#waiting--;
    for (const key of wait.path) {
      const waits = this.#blockedBy.get(key);
      if (waits?.delete(wait) && waits.size === 0) this.#blockedBy.delete(key);
    }
  }

  /**
   * Breadth-first from the actor the call waits for, following "this turn is stuck behind that
   * actor" edges, until it reaches an actor the call's own chain holds. Breadth-first so the
   * message names the shortest cycle.
   */
  findCycle(wait: Wait): Cycle | undefined {
    const own = lastIndexes(wait.path);
    const parent = new Map<string, string | undefined>([[wait.at, undefined]]);
    const frontier = [wait.at];
    for (let i = 0; i < frontier.length; i++) {
      const actor = frontier[i]!;
      const index = own.get(actor);
      if (index !== undefined && this.#heldBy(actor, wait.chainId)) {
        const trail = trailTo(actor, parent);
        return { actors: [...wait.path.slice(index), ...trail], ownChain: trail.length === 1 };
      }
      for (const next of this.#stuckBehind(actor)) {
        if (parent.has(next)) continue;
        parent.set(next, actor);
        frontier.push(next);
      }
    }
    return undefined;
  }

  stats(): { held: number; waiting: number } {
    return { held: this.#holders.size, waiting: this.#waiting };
  }

  /** Whether `key` is held by `chainId`'s chain, as far as chain ids can tell. */
  #heldBy(key: string, chainId: string | undefined): boolean {
    const holder = this.#holders.get(key);
    if (!holder) return false;
    return holder.chainId === undefined || chainId === undefined || holder.chainId === chainId;
  }

  /** The actors that `key`'s current turn waits for, through calls its chain made. */
  *#stuckBehind(key: string): Iterable<string> {
    for (const wait of this.#blockedBy.get(key) ?? []) {
      if (this.#heldBy(key, wait.chainId)) yield wait.at;
    }
  }
}

/** Each key's last position: with reentrancy a path can visit an actor twice. */
function lastIndexes(path: readonly string[]): Map<string, number> {
  const indexes = new Map<string, number>();
  path.forEach((key, index) => indexes.set(key, index));
  return indexes;
}

/** The search's route from the start to `actor`, both included. */
function trailTo(actor: string, parent: ReadonlyMap<string, string | undefined>): string[] {
  const trail: string[] = [];
  for (let at: string | undefined = actor; at !== undefined; at = parent.get(at)) trail.push(at);
  return trail.reverse();
}
