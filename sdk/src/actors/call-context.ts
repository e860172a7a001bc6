/**
 * The call chain a piece of code runs in. The host enters it for each incoming actor turn with
 * the sidecar's `Dapr-Reentrancy-Id`; every actor call made from that turn, through any client
 * of this process, sends the id back, so the sidecar lets the chain re-enter its own actors (or
 * names the deadlock) instead of making it wait for itself.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface CallChain {
  readonly reentrancyId: string;
}

const chains = new AsyncLocalStorage<CallChain>();

/** Runs `fn` as part of the chain `reentrancyId` (or outside any chain when it is undefined). */
export function runInChain<T>(reentrancyId: string | undefined, fn: () => T): T {
  return reentrancyId ? chains.run({ reentrancyId }, fn) : chains.exit(fn);
}

/** The chain the current code runs in, if any. */
export function currentChain(): CallChain | undefined {
  return chains.getStore();
}

export const REENTRANCY_HEADER = 'dapr-reentrancy-id';
