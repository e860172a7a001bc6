import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { parseSecretScopes, type SecretScope } from '../secrets/index.js';
import { parseAccessControl, type AccessControlSpec } from '../security/index.js';
import { DEFAULT_OBSERVABILITY, parseObservabilitySpec, type ObservabilityConfig } from '../observability/index.js';

/** The parts of a Dapr Configuration resource the sidecar acts on today. */
export interface RuntimeConfiguration {
  readonly features: readonly { name: string; enabled: boolean }[];
  /** `spec.secrets.scopes`: which secrets this app may read from each store. */
  readonly secretScopes: readonly SecretScope[];
  /** `spec.tracing`, `spec.metrics`, `spec.logging`. */
  readonly observability: ObservabilityConfig;
  /** `spec.accessControl`: who may invoke this app; absent, everyone may. */
  readonly accessControl?: AccessControlSpec | undefined;
}

export const EMPTY_CONFIGURATION: RuntimeConfiguration = { features: [], secretScopes: [], observability: DEFAULT_OBSERVABILITY };

/** A `--config` file that cannot be used; the message names the file. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/**
 * Reads `--config` files (later files override earlier ones, as in Dapr). Unlike Component
 * files, Configuration files are environment-expanded (`${VAR}`, `$VAR`).
 */
export async function readConfigurationFiles(files: readonly string[]): Promise<RuntimeConfiguration> {
  let features = new Map<string, boolean>();
  let secretScopes: SecretScope[] = [];
  let observability = DEFAULT_OBSERVABILITY;
  let accessControl: AccessControlSpec | undefined;
  for (const file of files) {
    const spec = await readSpec(file);
    features = new Map([...features, ...parseFeatures(spec['features'], file)]);
    const fail = (reason: string): never => {
      throw new ConfigurationError(`${file}: ${reason}`);
    };
    if (spec['secrets'] !== undefined) secretScopes = parseSecretScopes(spec['secrets'], fail);
    observability = parseObservabilitySpec(spec, observability, fail);
    if (spec['accessControl'] !== undefined) accessControl = parseAccessControl(spec['accessControl'], fail);
  }
  return { features: [...features].map(([name, enabled]) => ({ name, enabled })), secretScopes, observability, accessControl };
}

async function readSpec(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = expandEnv(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ConfigurationError(`${file}: cannot read configuration: ${(err as Error).message}`, { cause: err });
  }
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ConfigurationError(`${file}: invalid YAML: ${doc.errors[0]!.message}`);
    const resource = doc.toJS() as Record<string, unknown> | null;
    if (resource?.['kind'] !== 'Configuration') continue;
    const spec = resource['spec'];
    return typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>) : {};
  }
  throw new ConfigurationError(`${file}: no resource of kind Configuration`);
}

function parseFeatures(raw: unknown, file: string): Array<[string, boolean]> {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ConfigurationError(`${file}: spec.features must be a list of {name, enabled}`);
  return raw.map((f, i): [string, boolean] => {
    const feature = f as { name?: unknown; enabled?: unknown };
    if (typeof feature?.name !== 'string') throw new ConfigurationError(`${file}: spec.features[${i}].name is required`);
    return [feature.name, feature.enabled === true || feature.enabled === 'true'];
  });
}

function expandEnv(text: string): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => process.env[braced ?? bare ?? ''] ?? '');
}
