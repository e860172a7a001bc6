/** Undo steps registered as resources are acquired; `run` undoes them newest first, whatever fails. */
export class Teardown {
  readonly #steps: { readonly label: string; readonly undo: () => Promise<unknown> | unknown }[] = [];

  add(label: string, undo: () => Promise<unknown> | unknown): void {
    this.#steps.push({ label, undo });
  }

  async run(): Promise<void> {
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step.undo();
      } catch (err) {
        console.error(`teardown: ${step.label} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
