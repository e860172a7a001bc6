/** The actor configuration an app declares in `GET /dapr/config`: its types and their settings. */
export { parseActorAppConfig, fetchActorAppConfig, ACTOR_DEFAULTS } from './app-config.js';
export type { ActorAppConfig, ActorTypeSettings, AppCaller } from './app-config.js';
