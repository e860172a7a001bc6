/** Actor call routing: local turn or remote owner, with retries of "moved", "closed" and "host gone". */
export { ActorRouter } from './router.js';
export type { ActorCall, ActorRouterOptions, OwnerDirectory } from './router.js';
export { ChainRegistry } from './chains.js';
