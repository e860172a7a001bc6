/**
 * @outrigger/runtime: the sidecar. Most users run it through the `outrigger` CLI; embedders
 * and tests start one in-process with `startSidecar`.
 */
export { startSidecar } from './sidecar.js';
export type { Sidecar, SidecarDependencies } from './sidecar.js';
export { SIDECAR_DEFAULTS, outriggerHome } from './config/index.js';
export type { SidecarOptions } from './config/index.js';
export { RUNTIME_VERSION } from './version.js';
