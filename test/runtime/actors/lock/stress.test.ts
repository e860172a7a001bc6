/**
 * Randomized runs: many chains make nested calls over a few actors in random order, with random
 * cancellations and (in one variant) deactivations. Every step is a microtask, so the whole run
 * finishes before the next macrotask; if setImmediate fires first, some acquire never settled.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  ActorClosedError,
  DeadlockError,
  StackDepthError,
  actorKey,
  createTurnLock,
  createWaitForGraph,
} from '../../../../runtime/src/actors/lock/index.js';
import type { Turn, TurnLock, WaitForGraph } from '../../../../runtime/src/actors/lock/index.js';

interface Variant {
  readonly reentrancy: boolean;
  readonly deactivations: boolean;
}

type Outcome = 'granted' | 'deadlock' | 'crossChainDeadlock' | 'stackDepth' | 'closed' | 'cancelled';

class Cancelled extends Error {}

/** mulberry32: a tiny seeded generator, so a failing seed can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function ticks(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await Promise.resolve();
}

const ACTORS = ['a', 'b', 'c', 'd', 'e'].map((id) => actorKey('Counter', id));

class World {
  readonly graph: WaitForGraph = createWaitForGraph();
  readonly table = new Map<string, TurnLock>();
  readonly retired: TurnLock[] = [];
  readonly outcomes = new Map<Outcome, number>();
  readonly violations: string[] = [];
  /** Which chain runs in each lock, and how deep: the invariant under test. */
  readonly #owners = new Map<TurnLock, { chainId: string; depth: number }>();
  /** The lock each chain waits for, from just before acquire until its outcome is seen. */
  readonly waitingAt = new Map<string, TurnLock>();
  acquires = 0;
  settled = 0;

  constructor(
    readonly rng: () => number,
    readonly variant: Variant,
  ) {
    for (const key of ACTORS) this.table.set(key, this.#newLock(key));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)]!;
  }

  count(outcome: Outcome): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  enter(lock: TurnLock, chainId: string, turn: Turn): void {
    const owner = this.#owners.get(lock);
    if (owner && (owner.chainId !== chainId || !this.variant.reentrancy)) {
      this.violations.push(`${lock.key}: ${chainId} got a turn while ${owner.chainId} held it`);
    }
    const depth = (owner?.depth ?? 0) + 1;
    if (turn.depth !== depth) this.violations.push(`${lock.key}: depth ${turn.depth}, expected ${depth}`);
    this.#owners.set(lock, { chainId, depth });
  }

  leave(lock: TurnLock): void {
    const owner = this.#owners.get(lock)!;
    if (owner.depth === 1) this.#owners.delete(lock);
    else this.#owners.set(lock, { ...owner, depth: owner.depth - 1 });
  }

  /**
   * The oracle for "no false positives": a refused call must really close a cycle. `waitingAt`
   * may still list a chain whose turn was just granted, so the oracle can only be more lenient
   * than the truth, never stricter; holders come from the locks themselves.
   */
  isRealCycle(chainId: string, lock: TurnLock): boolean {
    const seen = new Set<string>();
    for (let holder = lock.holderChainId; holder !== undefined && !seen.has(holder); ) {
      if (holder === chainId) return true;
      seen.add(holder);
      holder = this.waitingAt.get(holder)?.holderChainId;
    }
    return false;
  }

  deactivate(key: string): void {
    const old = this.table.get(key)!;
    old.close('deactivated');
    this.retired.push(old);
    this.table.set(key, this.#newLock(key));
  }

  #newLock(key: string): TurnLock {
    const reentrancy = { enabled: this.variant.reentrancy, maxStackDepth: 3 };
    return createTurnLock({ key, graph: this.graph, reentrancy });
  }
}

/** One call of `chainId` to a random actor, holding `path`; nests up to `depthLeft` more calls. */
async function call(world: World, chainId: string, path: readonly string[], depthLeft: number): Promise<void> {
  const { rng } = world;
  const key = world.pick(ACTORS);
  const lock = world.table.get(key)!;
  const controller = rng() < 0.2 ? new AbortController() : undefined;
  world.acquires++;
  world.waitingAt.set(chainId, lock);
  const pending = lock.acquire({ chainId, path, signal: controller?.signal });
  const refused = probeDeadlock(world, chainId, lock, pending);
  if (controller) void ticks(Math.floor(rng() * 6)).then(() => controller.abort(new Cancelled()));
  let turn: Turn;
  try {
    turn = await pending;
  } catch (error) {
    await refused;
    world.waitingAt.delete(chainId);
    world.settled++;
    world.count(classify(world, error));
    return;
  }
  world.waitingAt.delete(chainId);
  world.settled++;
  world.count('granted');
  world.enter(lock, chainId, turn);
  await ticks(Math.floor(rng() * 4));
  if (world.variant.deactivations && rng() < 0.05) world.deactivate(key);
  const nested = depthLeft > 0 ? Math.floor(rng() * 3) : 0;
  for (let i = 0; i < nested; i++) await call(world, chainId, [...path, key], depthLeft - 1);
  world.leave(lock);
  turn.release();
}

/** A DeadlockError is thrown synchronously by acquire's checks: judge it against the state then. */
async function probeDeadlock(world: World, chainId: string, lock: TurnLock, pending: Promise<Turn>): Promise<void> {
  const cyclic = world.isRealCycle(chainId, lock);
  try {
    await pending;
  } catch (error) {
    if (error instanceof DeadlockError && !cyclic) world.violations.push(`false deadlock: ${error.message}`);
  }
}

function classify(world: World, error: unknown): Outcome {
  if (error instanceof DeadlockError) return error.ownChain ? 'deadlock' : 'crossChainDeadlock';
  if (error instanceof StackDepthError) return 'stackDepth';
  if (error instanceof ActorClosedError) return 'closed';
  if (error instanceof Cancelled) return 'cancelled';
  world.violations.push(`unexpected rejection: ${String(error)}`);
  return 'cancelled';
}

async function chain(world: World, chainId: string): Promise<void> {
  for (let i = 0; i < 3; i++) await call(world, chainId, [], 3);
}

/** Runs one seed; fails if an acquire never settled, the invariant broke, or state leaked. */
async function runSeed(t: ExecutionContext, seed: number, variant: Variant): Promise<World> {
  const world = new World(random(seed), variant);
  const all = Promise.all(Array.from({ length: 30 }, (_, i) => chain(world, `chain-${i}`)));
  const stuck = new Promise<'stuck'>((resolve) => setImmediate(() => resolve('stuck')));
  const result = await Promise.race([all.then(() => 'done' as const), stuck]);
  t.is(result, 'done', `seed ${seed}: ${world.acquires - world.settled} acquires never settled`);
  t.deepEqual(world.violations, [], `seed ${seed}`);
  t.is(world.settled, world.acquires, `seed ${seed}: every acquire settled`);
  t.deepEqual(world.graph.stats(), { held: 0, waiting: 0 }, `seed ${seed}: the graph is clean`);
  for (const lock of [...world.table.values(), ...world.retired]) {
    t.false(lock.held || lock.queueLength > 0, `seed ${seed}: ${lock.key} is idle`);
  }
  return world;
}

/** Runs many seeds and checks which outcomes they reached, together. */
function stress(title: string, variant: Variant, expected: readonly Outcome[], never: readonly Outcome[] = []): void {
  test(title, async (t) => {
    const totals = new Map<Outcome, number>();
    for (let seed = 1; seed <= 40; seed++) {
      const world = await runSeed(t, seed, variant);
      for (const [outcome, n] of world.outcomes) totals.set(outcome, (totals.get(outcome) ?? 0) + n);
    }
    for (const outcome of expected) t.true((totals.get(outcome) ?? 0) > 0, `some call ended in ${outcome}`);
    for (const outcome of never) t.is(totals.get(outcome), undefined, `no call ends in ${outcome}`);
    t.log(Object.fromEntries(totals));
  });
}

stress('stress without reentrancy: one chain per turn, every acquire settles, deadlocks refused', {
  reentrancy: false,
  deactivations: false,
}, ['granted', 'deadlock', 'crossChainDeadlock', 'cancelled']);

stress('stress with reentrancy: chains re-enter instead of deadlocking on themselves, up to maxStackDepth', {
  reentrancy: true,
  deactivations: false,
}, ['granted', 'crossChainDeadlock', 'stackDepth', 'cancelled'], ['deadlock']);

stress('stress with deactivations: closed locks turn waiters away and leave nothing behind', {
  reentrancy: false,
  deactivations: true,
}, ['granted', 'deadlock', 'crossChainDeadlock', 'cancelled', 'closed']);
