/**
 * Who cleans up after a harness resource: an ava test context (`t`), or a Cleanup that a
 * file's shared setup runs in `test.after.always` (ava refuses `t.teardown` in hooks).
 */
export interface Owner {
  teardown(fn: () => unknown): void;
}

export class Cleanup implements Owner {
  readonly #tasks: Array<() => unknown> = [];

  teardown(fn: () => unknown): void {
    this.#tasks.push(fn);
  }

  /** Runs every task, last registered first, even when some fail. */
  async run(): Promise<void> {
    for (const task of this.#tasks.splice(0).reverse()) {
      try {
        await task();
      } catch (err) {
        console.error('cleanup failed:', err);
      }
    }
  }
}
