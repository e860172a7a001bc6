/**
 * How a sidecar is configured: its options (from the CLI), the embedded defaults under the
 * Outrigger home, and Dapr Configuration files given with `--config`.
 */
export { SIDECAR_DEFAULTS, validateSidecarOptions } from './options.js';
export type { MtlsOptions, SidecarOptions } from './options.js';
export { outriggerHome, defaultResources } from './home.js';
export { readConfigurationFiles, ConfigurationError, EMPTY_CONFIGURATION } from './configuration-file.js';
export type { RuntimeConfiguration } from './configuration-file.js';
