/** Actor state: get and transactional save over the actor state store. */
export { createActorStateService } from './actor-state.js';
export type { ActorStateService, ActorStateOptions } from './actor-state.js';
