/** The active actors of this sidecar: activation, turn locks, idle and rebalance deactivation. */
export { ActorTable } from './actor-table.js';
export type { ActiveActor, ActorTableOptions } from './actor-table.js';
