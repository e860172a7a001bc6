/** An actor by type and id; `keyOf` gives the `type||id` key locks, tables and paths use. */
export interface ActorRef {
  readonly type: string;
  readonly id: string;
}

export { actorKey as keyOf } from './lock/index.js';
