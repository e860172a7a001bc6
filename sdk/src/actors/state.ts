/**
 * An actor's state as its methods see it: reads go to the sidecar once and are cached for the
 * activation; writes wait in the turn and are saved in ONE transaction when the turn ends, or
 * dropped if it throws. A reentrant call of the same chain is a nested turn: it sees the outer
 * turn's unsaved writes, and its own join them (or are rolled back alone if it throws).
 */
import type { ActorStateOperation } from '../client/actors.js';

export interface SetStateOptions {
  /** The store drops the value after this many seconds. */
  readonly ttlInSeconds?: number;
}

/** `this.state` inside an actor. Values are JSON; each `get` returns a fresh copy. */
export interface ActorState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  getOrDefault<T>(key: string, fallback: T): Promise<T>;
  has(key: string): Promise<boolean>;
  /** Kept in the turn; saved when it ends. Throws at once for values JSON cannot hold. */
  set(key: string, value: unknown, options?: SetStateOptions): void;
  remove(key: string): void;
  /** Saves the turn's writes now, e.g. to journal a step before calling out. */
  save(): Promise<void>;
}

/** The sidecar side of an actor's state. */
export interface ActorStateStore {
  get(key: string): Promise<unknown>;
  transaction(operations: readonly ActorStateOperation[]): Promise<void>;
}

type Change = { readonly kind: 'set'; readonly text: string; readonly ttlInSeconds?: number } | { readonly kind: 'remove' };

/** The ActorState of one activation; the host runs each turn through `runTurn`. */
export class StateCache implements ActorState {
  /** What the store holds, as far as this activation knows: JSON text, or undefined for absent. */
  readonly #saved = new Map<string, string | undefined>();
  #pending = new Map<string, Change>();
  #depth = 0;

  constructor(private readonly store: ActorStateStore) {}

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const text = await this.#text(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async getOrDefault<T>(key: string, fallback: T): Promise<T> {
    return (await this.get<T>(key)) ?? fallback;
  }

  async has(key: string): Promise<boolean> {
    return (await this.#text(key)) !== undefined;
  }

  set(key: string, value: unknown, options: SetStateOptions = {}): void {
    checkKey(key);
    const text = value === undefined ? undefined : JSON.stringify(value);
    if (text === undefined) throw new TypeError(`state ${key}: ${typeof value} is not a JSON value; use remove() to delete a key`);
    const ttl = options.ttlInSeconds;
    if (ttl !== undefined && !(Number.isInteger(ttl) && ttl > 0)) throw new RangeError(`state ${key}: ttlInSeconds must be a positive integer, got ${ttl}`);
    this.#pending.set(key, { kind: 'set', text, ...(ttl !== undefined ? { ttlInSeconds: ttl } : {}) });
  }

  remove(key: string): void {
    checkKey(key);
    this.#pending.set(key, { kind: 'remove' });
  }

  async save(): Promise<void> {
    if (this.#pending.size === 0) return;
    const changes = this.#pending;
    this.#pending = new Map();
    try {
      await this.store.transaction([...changes].map(([key, change]) => operationOf(key, change)));
    } catch (err) {
      // The store may or may not have applied it: forget what we thought it holds.
      this.#saved.clear();
      throw err;
    }
    for (const [key, change] of changes) {
      // A value with a TTL may vanish from the store at any time, so it is re-read, not cached.
      if (change.kind === 'set' && change.ttlInSeconds === undefined) this.#saved.set(key, change.text);
      else if (change.kind === 'set') this.#saved.delete(key);
      else this.#saved.set(key, undefined);
    }
  }

  /** Runs one turn: saves its writes at the end of the outermost turn, rolls them back if it throws. */
  async runTurn<T>(turn: () => Promise<T>): Promise<T> {
    const savepoint = new Map(this.#pending);
    this.#depth++;
    try {
      const result = await turn();
      if (this.#depth === 1) await this.save();
      return result;
    } catch (err) {
      this.#pending = savepoint;
      throw err;
    } finally {
      this.#depth--;
    }
  }

  async #text(key: string): Promise<string | undefined> {
    checkKey(key);
    const change = this.#pending.get(key);
    if (change) return change.kind === 'set' ? change.text : undefined;
    if (this.#saved.has(key)) return this.#saved.get(key);
    const value = await this.store.get(key);
    const text = value === undefined ? undefined : JSON.stringify(value);
    this.#saved.set(key, text);
    return text;
  }
}

function operationOf(key: string, change: Change): ActorStateOperation {
  if (change.kind === 'remove') return { operation: 'delete', request: { key } };
  const metadata = change.ttlInSeconds !== undefined ? { metadata: { ttlInSeconds: String(change.ttlInSeconds) } } : {};
  return { operation: 'upsert', request: { key, value: JSON.parse(change.text) as unknown, ...metadata } };
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new TypeError(`a state key must be a non-empty string, got ${JSON.stringify(key)}`);
}
