/**
 * `secretstores.local.file`: secrets from a JSON file, read once when the component loads
 * (as Dapr does; a relative `secretsFile` is resolved against the sidecar's working folder).
 * Nested objects and arrays are flattened with `nestedSeparator` (default `:`), so
 * `{"db": {"password": "x"}}` is the secret `db:password`. With `multiValued: true` each
 * top-level key is one secret whose flattened children are its key/value pairs.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SecretNotFoundError, type SecretStore, type SecretStoreFeature } from '../../secrets/index.js';
import { ComponentMetadataError } from '../errors.js';
import type { ComponentDefinition } from '../registry.js';

type Secrets = ReadonlyMap<string, Readonly<Record<string, string>>>;

class LocalFileSecretStore implements SecretStore {
  readonly features: readonly SecretStoreFeature[];
  readonly #secrets: Secrets;

  constructor(secrets: Secrets, multiValued: boolean) {
    this.#secrets = secrets;
    this.features = multiValued ? ['MULTIPLE_KEY_VALUES_PER_SECRET'] : [];
  }

  async get(name: string): Promise<Record<string, string>> {
    const secret = this.#secrets.get(name);
    if (!secret) throw new SecretNotFoundError(name);
    return { ...secret };
  }

  async bulkGet(): Promise<Record<string, Record<string, string>>> {
    return Object.fromEntries([...this.#secrets].map(([name, secret]) => [name, { ...secret }]));
  }

  async close(): Promise<void> {}
}

/** Leaf values by their joined path; scalars other than strings keep their JSON text. */
function flatten(value: unknown, path: string, separator: string, out: Map<string, string>): Map<string, string> {
  if (Array.isArray(value)) {
    value.forEach((item, i) => flatten(item, join(path, String(i), separator), separator, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) flatten(item, join(path, key, separator), separator, out);
  } else {
    out.set(path, typeof value === 'string' ? value : value === null ? '' : JSON.stringify(value));
  }
  return out;
}

const join = (path: string, key: string, separator: string) => (path === '' ? key : `${path}${separator}${key}`);

function secretsOf(document: Record<string, unknown>, separator: string, multiValued: boolean): Secrets {
  if (!multiValued) {
    return new Map([...flatten(document, '', separator, new Map())].map(([name, value]) => [name, { [name]: value }]));
  }
  return new Map(
    Object.entries(document).map(([name, value]) => {
      const isScalar = typeof value !== 'object' || value === null;
      return [name, Object.fromEntries(flatten(value, isScalar ? name : '', separator, new Map()))];
    }),
  );
}

async function readSecretsFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ComponentMetadataError('secretsFile', `cannot be read: ${(err as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new ComponentMetadataError('secretsFile', `is not valid JSON (${path}): ${(err as Error).message}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ComponentMetadataError('secretsFile', `must hold a JSON object (${path})`);
  }
  return document as Record<string, unknown>;
}

export const localFileSecretStore: ComponentDefinition<'secretstores'> = {
  category: 'secretstores',
  type: 'secretstores.local.file',
  versions: ['v1'],
  async create(metadata) {
    const path = resolve(metadata.required('secretsFile'));
    const separator = metadata.string('nestedSeparator') ?? ':';
    const multiValued = metadata.bool('multiValued', false);
    return new LocalFileSecretStore(secretsOf(await readSecretsFile(path), separator, multiValued), multiValued);
  },
};
