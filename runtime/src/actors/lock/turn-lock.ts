/**
 * The turn lock of one active actor: Dapr's FIFO queue of in-flight chains, where only the chain
 * at the front runs. Calls, timers and reminders all take it. With reentrancy on, a call of the
 * chain holding the turn nests at once (depth + 1); a call of a queued chain joins that chain.
 * Before a call waits, the shared wait-for graph checks that the wait could ever end.
 */
import { ACTOR_DEFAULTS } from '../config/index.js';
import type { ActorTypeSettings } from '../config/index.js';
import { systemClock } from '../../clock/index.js';
import type { Clock } from '../../clock/index.js';
import { ActorClosedError, DeadlockError, StackDepthError } from './errors.js';
import { actorTypeOf } from './keys.js';
import { createWaitForGraph } from './wait-for-graph.js';
import type { Cycle, Wait, WaitForGraph } from './wait-for-graph.js';
import type { Turn, TurnLock, TurnLockOptions, TurnRequest } from './types.js';

export function createTurnLock(options: TurnLockOptions): TurnLock {
  const reentrancy = options.reentrancy ?? ACTOR_DEFAULTS.reentrancy;
  if (!Number.isInteger(reentrancy.maxStackDepth) || reentrancy.maxStackDepth < 1) {
    throw new TypeError(`maxStackDepth must be a positive integer, got ${reentrancy.maxStackDepth}`);
  }
  return new Lock(options.key, reentrancy, options.graph ?? createWaitForGraph(), options.clock ?? systemClock);
}

/** One queue entry: the calls of one chain. Only the front chain holds turns. */
interface Chain {
  readonly chainId: string | undefined;
  /** Turns granted and not yet released. */
  held: number;
  /** Calls granted together when the chain reaches the front. */
  readonly waiters: Waiter[];
}

interface Waiter {
  readonly wait: Wait;
  readonly resolve: (turn: Turn) => void;
  readonly reject: (reason: unknown) => void;
  /** Detaches the abort listener. */
  readonly detach: () => void;
}

class Lock implements TurnLock {
  readonly #queue: Chain[] = [];
  /** Chains that can be joined by id; only filled when reentrancy is on. */
  readonly #byId = new Map<string, Chain>();
  readonly #closing = new AbortController();
  #closedError: ActorClosedError | undefined;
  #waiting = 0;
  #startedAt: number | undefined;
  readonly #idle: (() => void)[] = [];

  constructor(
    readonly key: string,
    private readonly reentrancy: ActorTypeSettings['reentrancy'],
    private readonly graph: WaitForGraph,
    private readonly clock: Clock,
  ) {}

  get queueLength(): number {
    return this.#waiting;
  }

  get held(): boolean {
    return this.#queue.length > 0;
  }

  get holderChainId(): string | undefined {
    return this.#queue[0]?.chainId;
  }

  get turnStartedAt(): number | undefined {
    return this.#startedAt;
  }

  get closed(): boolean {
    return this.#closedError !== undefined;
  }

  acquire(request: TurnRequest = {}): Promise<Turn> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    if (request.signal?.aborted) return Promise.reject(request.signal.reason);
    const front = this.#queue[0];
    if (!front) return Promise.resolve(this.#startNow(request.chainId));
    const joined = this.#joinable(request.chainId);
    if (joined && joined.held + joined.waiters.length >= this.reentrancy.maxStackDepth) {
      return Promise.reject(new StackDepthError(this.key, this.reentrancy.maxStackDepth));
    }
    if (joined === front) return Promise.resolve(this.#grant(front));
    // Only a call that would wait pays for the graph search; free and re-entrant turns skip it.
    const wait: Wait = { at: this.key, chainId: request.chainId, path: request.path ?? [] };
    const cycle = this.graph.findCycle(wait);
    if (cycle) return Promise.reject(this.#deadlock(cycle));
    return this.#enqueue(joined ?? this.#newChain(request.chainId), wait, request.signal);
  }

  close(reason = 'deactivated'): void {
    if (this.#closedError) return;
    const error = new ActorClosedError(this.key, reason);
    this.#closedError = error;
    // The front chain keeps running until it releases; everyone behind it is turned away.
    for (const chain of this.#queue.splice(1)) {
      for (const waiter of chain.waiters.splice(0)) this.#drop(waiter, error);
    }
    this.#byId.clear();
    this.#closing.abort(error);
    if (this.#queue.length === 0) this.#settleIdle();
  }

  drained(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** The lock is free: the call's chain takes the turn without queueing. */
  #startNow(chainId: string | undefined): Turn {
    const chain = this.#newChain(chainId);
    this.#begin(chain);
    return this.#grant(chain);
  }

  #joinable(chainId: string | undefined): Chain | undefined {
    return this.reentrancy.enabled && chainId !== undefined ? this.#byId.get(chainId) : undefined;
  }

  #newChain(chainId: string | undefined): Chain {
    const chain: Chain = { chainId, held: 0, waiters: [] };
    if (this.reentrancy.enabled && chainId !== undefined) this.#byId.set(chainId, chain);
    this.#queue.push(chain);
    return chain;
  }

  /** `chain` has just reached the front: its turn starts now. */
  #begin(chain: Chain): void {
    this.#startedAt = this.clock.now();
    this.graph.held(this.key, chain);
  }

  /** A queued chain reached the front: let all its calls in together. */
  #admit(chain: Chain): void {
    this.#begin(chain);
    for (const waiter of chain.waiters.splice(0)) {
      this.#unwait(waiter);
      waiter.resolve(this.#grant(chain));
    }
  }

  #grant(chain: Chain): Turn {
    chain.held++;
    let released = false;
    return {
      depth: chain.held,
      signal: this.#closing.signal,
      release: () => {
        if (released) return;
        released = true;
        this.#release(chain);
      },
    };
  }

  #release(chain: Chain): void {
    chain.held--;
    if (chain.held > 0) return;
    // Only the front chain holds turns, so the turn passes to the next chain in line.
    this.#queue.shift();
    this.#forget(chain);
    this.graph.freed(this.key, chain);
    const next = this.#queue[0];
    if (next) this.#admit(next);
    else this.#settleIdle();
  }

  #enqueue(chain: Chain, wait: Wait, signal: AbortSignal | undefined): Promise<Turn> {
    return new Promise<Turn>((resolve, reject) => {
      const onAbort = (): void => this.#cancel(chain, waiter, signal?.reason);
      const waiter: Waiter = { wait, resolve, reject, detach: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      chain.waiters.push(waiter);
      this.#waiting++;
      this.graph.addWait(wait);
    });
  }

  /** A waiter gave up: take it out, and its chain too if nothing else of the chain is queued. */
  #cancel(chain: Chain, waiter: Waiter, reason: unknown): void {
    const index = chain.waiters.indexOf(waiter);
    if (index < 0) return;
    chain.waiters.splice(index, 1);
    if (chain.waiters.length === 0 && chain.held === 0) {
      this.#queue.splice(this.#queue.indexOf(chain), 1);
      this.#forget(chain);
    }
    this.#drop(waiter, reason);
  }

  #drop(waiter: Waiter, reason: unknown): void {
    this.#unwait(waiter);
    waiter.reject(reason);
  }

  #unwait(waiter: Waiter): void {
    waiter.detach();
    this.#waiting--;
    this.graph.removeWait(waiter.wait);
  }

  #forget(chain: Chain): void {
    if (chain.chainId !== undefined && this.#byId.get(chain.chainId) === chain) this.#byId.delete(chain.chainId);
  }

  #settleIdle(): void {
    this.#startedAt = undefined;
    if (this.#idle.length > 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #deadlock(cycle: Cycle): DeadlockError {
    const type = actorTypeOf(this.key);
    if (!cycle.ownChain) {
      return new DeadlockError(cycle.actors, false, 'would wait for each other across call chains (take the actors in one order)');
    }
    const fix = this.reentrancy.enabled
      ? `forward the chain's Dapr-Reentrancy-Id to ${type}`
      : `enable reentrancy for ${type}`;
    return new DeadlockError(cycle.actors, true, `would wait for itself (${fix}, or break the cycle)`);
  }
}
