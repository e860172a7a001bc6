/**
 * Gathers the completions of fires that finish close together into one storage call. Fires end
 * in bursts (a batch is claimed and fired together), and one Lua script or SQLite transaction for
 * the burst costs about what one completion alone does.
 */
import type { ReminderCompletion, ReminderStorage } from '../../state/store.js';

interface Waiting {
  readonly completion: ReminderCompletion;
  resolve(applied: boolean): void;
  reject(err: unknown): void;
}

export class CompletionBatcher {
  readonly #storage: ReminderStorage;
  readonly #maxBatch: number;
  #queue: Waiting[] = [];
  #scheduled = false;
  readonly #writing = new Set<Promise<void>>();

  constructor(storage: ReminderStorage, maxBatch: number) {
    this.#storage = storage;
    this.#maxBatch = maxBatch;
  }

  /** Resolves with whether the storage applied it (false: the reminder changed meanwhile). */
  add(completion: ReminderCompletion): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ completion, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // After the I/O callbacks of this turn of the event loop, so a burst lands in one batch.
      setImmediate(() => this.#flush());
    });
  }

  /** Resolves once everything added so far is written (or has failed). */
  async drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#writing.size > 0) {
      if (this.#queue.length > 0) this.#flush();
      await Promise.all(this.#writing);
    }
  }

  #flush(): void {
    this.#scheduled = false;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      const writing = this.#write(batch).finally(() => this.#writing.delete(writing));
      this.#writing.add(writing);
    }
  }

  async #write(batch: readonly Waiting[]): Promise<void> {
    try {
      const applied = await this.#storage.complete(batch.map((w) => w.completion));
      batch.forEach((waiting, i) => waiting.resolve(applied[i] ?? false));
    } catch (err) {
      for (const waiting of batch) waiting.reject(err);
    }
  }
}
