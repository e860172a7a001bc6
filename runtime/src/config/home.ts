import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ComponentManifest } from '../components/index.js';

/** `OUTRIGGER_HOME`, else `~/.outrigger`: where the embedded defaults keep their files. */
export function outriggerHome(env: NodeJS.ProcessEnv = process.env): string {
  return env['OUTRIGGER_HOME'] || join(homedir(), '.outrigger');
}

/**
 * What a sidecar loads when given no `--resources-path`: the user's `<home>/components` if it
 * exists, otherwise a SQLite state store named `statestore` that also holds actor state —
 * the equivalent of `dapr init`, with no containers and no Redis.
 */
export function defaultResources(home: string): { paths: string[]; manifests: ComponentManifest[] } {
  const userComponents = join(home, 'components');
  if (existsSync(userComponents)) return { paths: [userComponents], manifests: [] };
  return { paths: [], manifests: [embeddedStateStore(home)] };
}

function embeddedStateStore(home: string): ComponentManifest {
  return {
    name: 'statestore',
    type: 'state.sqlite',
    version: 'v1',
    metadata: [
      { name: 'connectionString', value: join(home, 'data', 'statestore.db') },
      { name: 'actorStateStore', value: 'true' },
    ],
    scopes: [],
    ignoreErrors: false,
    initTimeoutMs: 5000,
    source: 'embedded default',
  };
}
