/**
 * The placement service's composition root: options → disseminator → server, in that order,
 * and the one handle a caller (the CLI, a test, a benchmark) holds. Nothing else builds these.
 */
import { EventEmitter } from 'node:events';
import { createDisseminator, type PlacementEvents, type PlacementState } from './disseminator/index.js';
import { resolveOptions, type PlacementOptions } from './options.js';
import { startServer } from './server/index.js';

export interface Placement {
  /** The port it listens on (the one picked when asked for 0). */
  readonly port: number;
  /** 'round-complete' after every round all members acked; 'member-evicted'. */
  readonly events: EventEmitter<PlacementEvents>;
  /** The committed table of every namespace, as `GET /placement/state` returns it. */
  state(): PlacementState;
  /** Stops rounds, closes every sidecar connection (1001) and the listener. Idempotent. */
  close(): Promise<void>;
}

/** Starts a placement service; rejects with a TypeError for invalid options. */
export async function startPlacement(options: PlacementOptions = {}): Promise<Placement> {
  const resolved = resolveOptions(options);
  const events = new EventEmitter<PlacementEvents>();
  const disseminator = createDisseminator({ ...resolved, events });
  const server = await startServer(resolved, disseminator);
  const { host, replicationFactor, tls } = resolved;
  resolved.logger.info({ port: server.port, host, replicationFactor, mtls: tls ? { trustDomain: tls.trustDomain } : false }, 'placement listening');

  let closing: Promise<void> | undefined;
  return {
    port: server.port,
    events,
    state: () => disseminator.state(),
    close: () => {
      // The disseminator stops first, so connections closing below start no more rounds.
      disseminator.close();
      closing ??= server.close();
      return closing;
    },
  };
}
