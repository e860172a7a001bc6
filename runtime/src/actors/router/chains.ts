/**
 * Which call chains run turns in this sidecar, and on which actors. When an actor's code calls
 * another actor through this sidecar's API with the chain's `Dapr-Reentrancy-Id`, this is how
 * the sidecar knows the actors that chain already holds — the path deadlock detection checks —
 * without the app having to carry anything but the id.
 */
export class ChainRegistry {
  readonly #paths = new Map<string, string[][]>();

  /** The actors the chain holds turns on, outermost first; empty for an unknown chain. */
  pathOf(chainId: string | undefined): readonly string[] {
    if (!chainId) return [];
    return this.#paths.get(chainId)?.at(-1) ?? [];
  }

  /** Records a turn of `chainId` with `path` (ending with the actor it runs on); returns its undo. */
  enter(chainId: string, path: readonly string[]): () => void {
    const stack = this.#paths.get(chainId) ?? [];
    const entry = [...path];
    stack.push(entry);
    this.#paths.set(chainId, stack);
    return () => {
      const index = stack.lastIndexOf(entry);
      if (index >= 0) stack.splice(index, 1);
      if (stack.length === 0) this.#paths.delete(chainId);
    };
  }
}
