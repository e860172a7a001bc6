/** A component that cannot be loaded. The message names the file, the component and the fault. */
export class ComponentError extends Error {
  override readonly name = 'ComponentError';
  constructor(
    readonly source: string,
    readonly component: string | undefined,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(component ? `${source}: component "${component}": ${reason}` : `${source}: ${reason}`, options);
  }
}

/** A metadata field a component needs is missing or malformed. */
export class ComponentMetadataError extends Error {
  override readonly name = 'ComponentMetadataError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`metadata "${field}" ${reason}`);
  }
}
