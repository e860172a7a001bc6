/** The metadata API: a description of the sidecar and attributes set at run time. */
export { MetadataService } from './service.js';
export type { MetadataServiceOptions, MetadataDocument, ComponentDescription, ActorRuntimeReport } from './service.js';
