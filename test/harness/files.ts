import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Owner } from './cleanup.js';

/** A fresh temporary folder, removed when the test ends. */
export async function tempDir(t: Owner, prefix = 'outrigger-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A resources folder holding the given files (name → YAML text). */
export async function resourcesDir(t: Owner, files: Record<string, string>): Promise<string> {
  const dir = await tempDir(t, 'outrigger-resources-');
  await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text)));
  return dir;
}

/** A Component YAML document. */
export function componentYaml(name: string, type: string, metadata: Record<string, string> = {}, extra = ''): string {
  const entries = Object.entries(metadata)
    .map(([k, v]) => `    - name: ${k}\n      value: ${JSON.stringify(v)}`)
    .join('\n');
  return [
    'apiVersion: dapr.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  type: ${type}`,
    '  version: v1',
    entries ? `  metadata:\n${entries}` : '  metadata: []',
    extra,
  ].join('\n');
}
