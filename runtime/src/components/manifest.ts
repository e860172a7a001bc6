import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseGoDuration } from '../durations/index.js';
import { ComponentError } from './errors.js';

/** One `spec.metadata` entry as written: a value, a secret reference or an env reference. */
export type MetadataSource =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly secretKeyRef: { readonly name: string; readonly key: string } }
  | { readonly name: string; readonly envRef: string };

/** A Dapr Component resource, validated. */
export interface ComponentManifest {
  readonly name: string;
  /** `<category>.<implementation>`, e.g. `state.redis`. */
  readonly type: string;
  readonly version: string;
  readonly metadata: readonly MetadataSource[];
  readonly scopes: readonly string[];
  readonly ignoreErrors: boolean;
  readonly initTimeoutMs: number;
  /** The secret store that resolves `secretKeyRef` entries. */
  readonly secretStore?: string;
  /** Where it came from, for messages: a file path or "embedded default". */
  readonly source: string;
}

const API_VERSION = 'dapr.io/v1alpha1';
const DEFAULT_INIT_TIMEOUT_MS = 5000;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Reads every Component document in the given folders (not their subfolders). */
export async function readComponentManifests(paths: readonly string[]): Promise<ComponentManifest[]> {
  const manifests: ComponentManifest[] = [];
  for (const dir of paths) {
    for (const file of await listResourceFiles(dir)) {
      manifests.push(...parseComponentManifests(await readFile(file, 'utf8'), file));
    }
  }
  return manifests;
}

/** The YAML files of one resources folder, sorted; other kinds of resource (Subscriptions) are read from the same list. */
export async function listResourceFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new ComponentError(dir, undefined, `cannot read resources path: ${(err as Error).message}`, { cause: err });
  }
  return entries
    .filter((e) => e.isFile() && ['.yaml', '.yml'].includes(extname(e.name).toLowerCase()))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Parses the Component documents of one YAML text; other kinds of resource are skipped. */
export function parseComponentManifests(text: string, source: string): ComponentManifest[] {
  const manifests: ComponentManifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ComponentError(source, undefined, `invalid YAML: ${doc.errors[0]!.message}`);
    const resource: unknown = doc.toJS();
    if (resource === null || resource === undefined) continue;
    if (!isRecord(resource)) throw new ComponentError(source, undefined, 'a resource must be a YAML mapping');
    if (resource['kind'] !== 'Component' || resource['apiVersion'] !== API_VERSION) continue;
    manifests.push(toManifest(resource, source));
  }
  return manifests;
}

function toManifest(resource: Record<string, unknown>, source: string): ComponentManifest {
  const meta = isRecord(resource['metadata']) ? resource['metadata'] : {};
  const name = meta['name'];
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new ComponentError(source, undefined, `metadata.name must be a name such as "statestore", got ${JSON.stringify(name)}`);
  }
  const fail = (reason: string): never => {
    throw new ComponentError(source, name, reason);
  };
  const spec = isRecord(resource['spec']) ? resource['spec'] : fail('spec is missing');
  const type = typeof spec['type'] === 'string' && spec['type'].includes('.') ? spec['type'] : fail('spec.type must be "<category>.<name>", e.g. "state.redis"');
  const auth = isRecord(resource['auth']) ? resource['auth'] : {};
  return {
    name,
    type,
    version: spec['version'] === undefined ? 'v1' : String(spec['version']),
    metadata: parseMetadataList(spec['metadata'], fail),
    scopes: parseScopes(resource['scopes'], fail),
    ignoreErrors: spec['ignoreErrors'] === true || spec['ignoreErrors'] === 'true',
    initTimeoutMs: parseInitTimeout(spec['initTimeout'], fail),
    ...(typeof auth['secretStore'] === 'string' ? { secretStore: auth['secretStore'] } : {}),
    source,
  };
}

function parseMetadataList(list: unknown, fail: (reason: string) => never): MetadataSource[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return fail('spec.metadata must be a list of {name, value}');
  return list.map((item, i): MetadataSource => {
    if (!isRecord(item) || typeof item['name'] !== 'string' || item['name'] === '') {
      return fail(`spec.metadata[${i}] must have a name`);
    }
    const name = item['name'];
    const ref = item['secretKeyRef'];
    if (isRecord(ref)) {
      if (typeof ref['name'] !== 'string') return fail(`spec.metadata "${name}": secretKeyRef.name is required`);
      const key = typeof ref['key'] === 'string' && ref['key'] !== '' ? ref['key'] : ref['name'];
      return { name, secretKeyRef: { name: ref['name'], key } };
    }
    if (typeof item['envRef'] === 'string') return { name, envRef: item['envRef'] };
    const value = item['value'];
    if (value !== undefined && value !== null && typeof value === 'object') {
      return fail(`spec.metadata "${name}": value must be a scalar`);
    }
    return { name, value: value === undefined || value === null ? '' : String(value) };
  });
}

function parseScopes(scopes: unknown, fail: (reason: string) => never): string[] {
  if (scopes === undefined || scopes === null) return [];
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) return fail('scopes must be a list of app ids');
  return scopes;
}

function parseInitTimeout(value: unknown, fail: (reason: string) => never): number {
  if (value === undefined || value === null || value === '') return DEFAULT_INIT_TIMEOUT_MS;
  const ms = parseGoDuration(String(value));
  if (ms === undefined || ms <= 0) return fail(`spec.initTimeout must be a duration such as "5s", got ${JSON.stringify(value)}`);
  return ms;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
