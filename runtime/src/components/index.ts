/**
 * Components: reading Dapr Component YAML, the registry of component types, and loading
 * (validate everything, then initialise in order with timeouts). Implementations live in one
 * folder per category (`state/` …) and are registered in `builtin.ts`; the building blocks
 * only ever see their own small interface (e.g. StateStore).
 */
export { ComponentError, ComponentMetadataError } from './errors.js';
export { ComponentMetadata } from './metadata.js';
export { readComponentManifests, parseComponentManifests, listResourceFiles } from './manifest.js';
export type { ComponentManifest, MetadataSource } from './manifest.js';
export { ComponentRegistry } from './registry.js';
export type { ComponentCategory, ComponentContext, ComponentDefinition, ComponentKinds } from './registry.js';
export { loadComponents, closeComponents } from './loader.js';
export type { LoadedComponent, LoadOptions } from './loader.js';
export { createBuiltinRegistry } from './builtin.js';
