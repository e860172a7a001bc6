import { randomUUID } from 'node:crypto';
import { describeError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { resolveSecretRef } from '../secrets/index.js';
import { ComponentError, ComponentMetadataError } from './errors.js';
import type { ComponentManifest, MetadataSource } from './manifest.js';
import { ComponentMetadata } from './metadata.js';
import type { ComponentCategory, ComponentContext, ComponentKinds, ComponentRegistry } from './registry.js';

/** A component that is up, with what the metadata API shows about it. */
export interface LoadedComponent<C extends ComponentCategory = ComponentCategory> {
  readonly manifest: ComponentManifest;
  readonly category: C;
  readonly metadata: ComponentMetadata;
  readonly instance: ComponentKinds[C];
}

export interface LoadOptions {
  readonly registry: ComponentRegistry;
  readonly context: ComponentContext;
  readonly logger: Logger;
}

/** Env vars a component may never read through `envRef` (as in Dapr). */
const PROTECTED_ENV = (name: string) => name.startsWith('DAPR_') || name === 'APP_API_TOKEN';

/**
 * Validates every manifest first (known type and version, unique names), then initialises
 * the components in order, each within its init timeout: secret stores first, as in Dapr,
 * so the others' `secretKeyRef` metadata can be resolved through them. A failure stops loading with a
 * ComponentError unless the manifest sets `ignoreErrors`; whatever was started is closed.
 */
export async function loadComponents(
  manifests: readonly ComponentManifest[],
  options: LoadOptions,
): Promise<LoadedComponent[]> {
  const inScope = manifests.filter((m) => m.scopes.length === 0 || m.scopes.includes(options.context.appId));
  checkUniqueNames(inScope);
  for (const manifest of inScope) definitionFor(manifest, options.registry);
  const loaded: LoadedComponent[] = [];
  try {
    for (const manifest of secretStoresFirst(inScope)) {
      const component = await initialise(manifest, options, loaded);
      if (component) loaded.push(component);
    }
  } catch (err) {
    await closeComponents(loaded, options.logger);
    throw err;
  }
  return loaded;
}

export async function closeComponents(components: readonly LoadedComponent[], logger: Logger): Promise<void> {
  for (const component of [...components].reverse()) {
    try {
      await component.instance.close();
    } catch (err) {
      logger.warn({ component: component.manifest.name, err: describeError(err) }, 'component did not close cleanly');
    }
  }
}

function checkUniqueNames(manifests: readonly ComponentManifest[]): void {
  const seen = new Map<string, ComponentManifest>();
  for (const manifest of manifests) {
    const first = seen.get(manifest.name);
    if (first) {
      throw new ComponentError(manifest.source, manifest.name, `duplicate component name (first defined in ${first.source})`);
    }
    seen.set(manifest.name, manifest);
  }
}

function definitionFor(manifest: ComponentManifest, registry: ComponentRegistry) {
  const definition = registry.lookup(manifest.type);
  if (!definition) {
    throw new ComponentError(manifest.source, manifest.name, `unknown component type "${manifest.type}" (known: ${registry.types().join(', ')})`);
  }
  if (!definition.versions.includes(manifest.version)) {
    throw new ComponentError(manifest.source, manifest.name, `${manifest.type} has no version "${manifest.version}" (known: ${definition.versions.join(', ')})`);
  }
  return definition;
}

function secretStoresFirst(manifests: readonly ComponentManifest[]): ComponentManifest[] {
  const isSecretStore = (m: ComponentManifest) => m.type.startsWith('secretstores.');
  return [...manifests.filter(isSecretStore), ...manifests.filter((m) => !isSecretStore(m))];
}

async function initialise(
  manifest: ComponentManifest,
  options: LoadOptions,
  loaded: readonly LoadedComponent[],
): Promise<LoadedComponent | undefined> {
  const definition = definitionFor(manifest, options.registry);
  try {
    const metadata = await resolveMetadata(manifest, options.context, loaded);
    const context = { ...options.context, logger: options.context.logger.child({ component: manifest.name }) };
    const instance = await withinInitTimeout(definition.create(metadata, context), manifest.initTimeoutMs);
    options.logger.info({ component: manifest.name, type: manifest.type }, 'component loaded');
    return { manifest, category: definition.category, metadata, instance };
  } catch (err) {
    const reason = err instanceof ComponentMetadataError ? err.message : `init failed: ${describeError(err)}`;
    const failure = new ComponentError(manifest.source, manifest.name, reason, { cause: err });
    if (!manifest.ignoreErrors) throw failure;
    options.logger.warn({ component: manifest.name }, `${failure.message} (ignored: spec.ignoreErrors is set)`);
    return undefined;
  }
}

async function resolveMetadata(
  manifest: ComponentManifest,
  context: ComponentContext,
  loaded: readonly LoadedComponent[],
): Promise<ComponentMetadata> {
  const entries: Array<readonly [string, string]> = [];
  for (const item of manifest.metadata) {
    const value = 'secretKeyRef' in item ? await secretValue(item, manifest, loaded) : resolveValue(item, context);
    entries.push([item.name, value]);
  }
  return new ComponentMetadata(entries);
}

function resolveValue(item: Exclude<MetadataSource, { secretKeyRef: unknown }>, context: ComponentContext): string {
  if ('envRef' in item) {
    if (PROTECTED_ENV(item.envRef)) throw new ComponentMetadataError(item.name, `cannot read protected environment variable ${item.envRef}`);
    return process.env[item.envRef] ?? '';
  }
  return expandTemplates(item.value, context);
}

/** Self-hosted Dapr has no default secret store: `auth.secretStore` must name a loaded one. */
async function secretValue(
  item: Extract<MetadataSource, { secretKeyRef: unknown }>,
  manifest: ComponentManifest,
  loaded: readonly LoadedComponent[],
): Promise<string> {
  const ref = item.secretKeyRef;
  const refers = `refers to secret "${ref.name}"`;
  const stores = loaded.filter((c): c is LoadedComponent<'secretstores'> => c.category === 'secretstores');
  if (!manifest.secretStore) {
    const loadedNote = stores.length === 0 ? 'no secret store is loaded' : `loaded: ${stores.map((c) => c.manifest.name).join(', ')}`;
    throw new ComponentMetadataError(item.name, `${refers}, but auth.secretStore is not set (${loadedNote})`);
  }
  const store = stores.find((c) => c.manifest.name === manifest.secretStore);
  if (!store) throw new ComponentMetadataError(item.name, `${refers} in secret store "${manifest.secretStore}", which is not loaded`);
  try {
    return await resolveSecretRef(store.instance, ref);
  } catch (err) {
    throw new ComponentMetadataError(item.name, `${refers} in secret store "${manifest.secretStore}": ${describeError(err)}`);
  }
}

/** Dapr's metadata templates: `{uuid}`, `{appID}`, `{namespace}`. */
function expandTemplates(value: string, context: ComponentContext): string {
  return value
    .replaceAll('{uuid}', () => randomUUID())
    .replaceAll('{appID}', context.appId)
    .replaceAll('{namespace}', context.namespace ? `${context.namespace}.${context.appId}` : context.appId);
}

/** A component that comes up after its timeout is closed at once, so it leaks no connection. */
async function withinInitTimeout<T extends { close(): Promise<void> }>(creating: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`timed out after ${ms} ms`));
    }, ms);
  });
  creating.then((late) => (timedOut ? late.close() : undefined)).catch(() => undefined);
  try {
    return await Promise.race([creating, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
