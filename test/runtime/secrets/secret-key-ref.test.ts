import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import {
  ComponentError,
  createBuiltinRegistry,
  loadComponents,
  parseComponentManifests,
  type ComponentDefinition,
  type ComponentMetadata,
} from '../../../runtime/src/components/index.js';
import { systemClock } from '../../../runtime/src/clock/index.js';
import type { StateStore } from '../../../runtime/src/state/index.js';
import { componentYaml, resourcesDir, tempDir } from '../../harness/files.js';
import { http } from '../../harness/http.js';
import { redisAddress } from '../../harness/ids.js';
import { runCli, startSidecar } from '../../harness/sidecar.js';

const logger = pino({ level: 'silent' });
const context = { appId: 'app1', namespace: undefined, logger, clock: systemClock };

/** The builtin types plus `state.recording`, which keeps the metadata it was created with. */
function registryRecording() {
  const created: ComponentMetadata[] = [];
  const recording: ComponentDefinition<'state'> = {
    category: 'state',
    type: 'state.recording',
    versions: ['v1'],
    async create(metadata) {
      created.push(metadata);
      return { features: [], close: async () => undefined } as unknown as StateStore;
    },
  };
  return { registry: createBuiltinRegistry().register(recording), created };
}

async function secretsFile(t: Parameters<typeof tempDir>[0], secrets: object): Promise<string> {
  const file = join(await tempDir(t), 'secrets.json');
  await writeFile(file, JSON.stringify(secrets));
  return file;
}

const referring = (ref: string, store = 'vault') =>
  `apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\nspec:\n  type: state.recording\n  metadata:\n    - name: password\n      secretKeyRef:\n${ref}\n    - name: plain\n      value: x\nauth:\n  secretStore: ${store}`;

const fileStore = (file: string, name = 'vault', extra = '') => componentYaml(name, 'secretstores.local.file', { secretsFile: file }, extra);

test('a secretKeyRef is resolved through the secret store named in auth.secretStore, even one listed later', async (t) => {
  const file = await secretsFile(t, { redis: { password: 's3cret' } });
  const { registry, created } = registryRecording();
  const manifests = parseComponentManifests([referring('        name: redis:password'), fileStore(file)].join('\n---\n'), 'f.yaml');
  const loaded = await loadComponents(manifests, { registry, context, logger });
  t.deepEqual(loaded.map((c) => c.manifest.name), ['vault', 'orders'], 'secret stores load first');
  t.is(created[0]!.string('password'), 's3cret');
  t.is(created[0]!.string('plain'), 'x');
});

test('secretKeyRef.key picks one entry of a multi-valued secret', async (t) => {
  const file = await secretsFile(t, { redis: { user: 'u', password: 'p' } });
  const { registry, created } = registryRecording();
  const store = componentYaml('vault', 'secretstores.local.file', { secretsFile: file, multiValued: 'true' });
  const manifests = parseComponentManifests([referring('        name: redis\n        key: password'), store].join('\n---\n'), 'f.yaml');
  await loadComponents(manifests, { registry, context, logger });
  t.is(created[0]!.string('password'), 'p');
});

const loadFails = async (text: string) => {
  const { registry } = registryRecording();
  return loadComponents(parseComponentManifests(text, 'f.yaml'), { registry, context, logger });
};

test('a missing secret stops loading with a message naming the component, the field and the secret', async (t) => {
  const file = await secretsFile(t, { other: 'x' });
  await t.throwsAsync(loadFails([referring('        name: redis:password'), fileStore(file)].join('\n---\n')), {
    instanceOf: ComponentError,
    message: 'f.yaml: component "orders": metadata "password" refers to secret "redis:password" in secret store "vault": secret redis:password not found',
  });
});

test('a missing key of a secret names the keys it has', async (t) => {
  const file = await secretsFile(t, { redis: { user: 'u' } });
  const store = componentYaml('vault', 'secretstores.local.file', { secretsFile: file, multiValued: 'true' });
  await t.throwsAsync(loadFails([referring('        name: redis\n        key: password'), store].join('\n---\n')), {
    message: /metadata "password" refers to secret "redis" in secret store "vault": secret "redis" has no key "password" \(it has: user\)/,
  });
});

test('a secret store that is not loaded is a clear error', async (t) => {
  const file = await secretsFile(t, {});
  await t.throwsAsync(loadFails([referring('        name: pw', 'elsewhere'), fileStore(file)].join('\n---\n')), {
    message: /component "orders": metadata "password" refers to secret "pw" in secret store "elsewhere", which is not loaded/,
  });
});

test('without auth.secretStore a reference is an error, as self-hosted Dapr has no default store', async (t) => {
  const file = await secretsFile(t, { pw: 'x' });
  const text = referring('        name: pw').replace(/\nauth:\n {2}secretStore: vault/, '');
  await t.throwsAsync(loadFails([text, fileStore(file)].join('\n---\n')), {
    message: /metadata "password" refers to secret "pw", but auth\.secretStore is not set \(loaded: vault\)/,
  });
});

test('a sidecar resolves a state store\'s redisHost from a secret and serves state with it', async (t) => {
  const { host, port } = redisAddress();
  const file = await secretsFile(t, { redisHost: `${host}:${port}` });
  const state = [
    'apiVersion: dapr.io/v1alpha1',
    'kind: Component',
    'metadata:\n  name: store',
    'spec:\n  type: state.redis\n  version: v1\n  metadata:\n    - name: redisHost\n      secretKeyRef:\n        name: redisHost',
    'auth:\n  secretStore: vault',
  ].join('\n');
  const dir = await resourcesDir(t, { 'a-state.yaml': state, 'b-vault.yaml': fileStore(file) });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  t.is((await http('POST', `${sidecar.url}/v1.0/state/store`, { json: [{ key: 'k', value: 1 }] })).status, 204);
  t.is((await http('GET', `${sidecar.url}/v1.0/state/store/k`)).text, '1');
  await http('DELETE', `${sidecar.url}/v1.0/state/store/k`);
});

test('a sidecar whose component refers to a missing secret does not start, and says why', async (t) => {
  const file = await secretsFile(t, {});
  const dir = await resourcesDir(t, {
    'state.yaml': referring('        name: redis:password').replace('state.recording', 'state.redis'),
    'vault.yaml': fileStore(file),
  });
  const { code, output } = await runCli(['sidecar', '--app-id', 'a1', '--dapr-http-port', '0', '--resources-path', dir], {
    OUTRIGGER_HOME: await tempDir(t),
  });
  t.not(code, 0);
  t.regex(output, /component "orders": metadata "password" refers to secret "redis:password" in secret store "vault": secret redis:password not found/);
});
