/**
 * `secretstores.local.env`: the sidecar's environment variables as secrets, for development.
 * With `prefix`, only variables that start with it are secrets, named without it. The
 * sidecar's own secrets (`DAPR_*`, `APP_API_TOKEN`) are never exposed. As in Dapr, an unset
 * variable is an empty value, not an error.
 */
import type { SecretStore, SecretStoreFeature } from '../../secrets/index.js';
import type { ComponentDefinition } from '../registry.js';

const isProtected = (variable: string) => variable.startsWith('DAPR_') || variable === 'APP_API_TOKEN';

class LocalEnvSecretStore implements SecretStore {
  readonly features: readonly SecretStoreFeature[] = [];
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  async get(name: string): Promise<Record<string, string>> {
    const variable = this.#prefix + name;
    return { [name]: isProtected(variable) ? '' : (process.env[variable] ?? '') };
  }

  async bulkGet(): Promise<Record<string, Record<string, string>>> {
    const secrets: Record<string, Record<string, string>> = {};
    for (const [variable, value] of Object.entries(process.env)) {
      if (value === undefined || isProtected(variable) || !variable.startsWith(this.#prefix)) continue;
      const name = variable.slice(this.#prefix.length);
      if (name !== '') secrets[name] = { [name]: value };
    }
    return secrets;
  }

  async close(): Promise<void> {}
}

export const localEnvSecretStore: ComponentDefinition<'secretstores'> = {
  category: 'secretstores',
  type: 'secretstores.local.env',
  versions: ['v1'],
  async create(metadata) {
    return new LocalEnvSecretStore(metadata.string('prefix') ?? '');
  },
};
