import test from 'ava';
import { pino } from 'pino';
import {
  ComponentError,
  ComponentMetadata,
  ComponentRegistry,
  loadComponents,
  parseComponentManifests,
  type ComponentDefinition,
} from '../../../runtime/src/components/index.js';
import { systemClock } from '../../../runtime/src/clock/index.js';
import type { StateStore } from '../../../runtime/src/state/index.js';

const logger = pino({ level: 'silent' });
const context = { appId: 'app1', namespace: undefined, logger, clock: systemClock };

/** A state component that records what it was created with. */
function recordingStore(type = 'state.fake', required?: string) {
  const created: ComponentMetadata[] = [];
  const closed: string[] = [];
  const definition: ComponentDefinition<'state'> = {
    category: 'state',
    type,
    versions: ['v1'],
    async create(metadata) {
      if (required) metadata.required(required);
      if (metadata.string('fail')) throw new Error('cannot connect');
      if (metadata.string('hang')) return new Promise<never>(() => undefined);
      created.push(metadata);
      const name = metadata.string('label') ?? '';
      return { features: [], close: async () => void closed.push(name) } as unknown as StateStore;
    },
  };
  return { definition, created, closed };
}

const doc = (name: string, type: string, extra = '') =>
  `apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: ${type}\n  version: v1\n${extra}`;

test('parseComponentManifests reads several documents and skips other kinds', (t) => {
  const text = [doc('a', 'state.fake'), 'apiVersion: dapr.io/v1alpha1\nkind: Subscription\nmetadata:\n  name: s', doc('b', 'state.fake')].join('\n---\n');
  t.deepEqual(parseComponentManifests(text, 'f.yaml').map((m) => m.name), ['a', 'b']);
});

test('parseComponentManifests reads values, secret references, scopes and init settings', (t) => {
  const [m] = parseComponentManifests(
    doc('a', 'state.fake', '  initTimeout: 2s\n  ignoreErrors: true\n  metadata:\n    - name: port\n      value: 6379\n    - name: password\n      secretKeyRef:\n        name: redis-secret\n    - name: empty\nscopes: [app1, app2]\nauth:\n  secretStore: vault'),
    'f.yaml',
  );
  t.is(m!.initTimeoutMs, 2000);
  t.true(m!.ignoreErrors);
  t.deepEqual(m!.scopes, ['app1', 'app2']);
  t.is(m!.secretStore, 'vault');
  t.deepEqual(m!.metadata, [
    { name: 'port', value: '6379' },
    { name: 'password', secretKeyRef: { name: 'redis-secret', key: 'redis-secret' } },
    { name: 'empty', value: '' },
  ]);
});

test('parseComponentManifests names the file and component when something is wrong', (t) => {
  const err = t.throws(() => parseComponentManifests(doc('a', 'nodot'), '/x/bad.yaml'), { instanceOf: ComponentError });
  t.is(err!.message, '/x/bad.yaml: component "a": spec.type must be "<category>.<name>", e.g. "state.redis"');
  t.throws(() => parseComponentManifests('apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {}\nspec: {type: state.x}', 'f.yaml'), {
    message: /metadata.name/,
  });
  t.throws(() => parseComponentManifests('a: [unclosed', 'f.yaml'), { message: /f.yaml: invalid YAML/ });
});

test('loadComponents refuses an unknown type before creating anything', async (t) => {
  const fake = recordingStore();
  const registry = new ComponentRegistry().register(fake.definition);
  const manifests = parseComponentManifests([doc('ok', 'state.fake'), doc('bad', 'state.mystery')].join('\n---\n'), 'c.yaml');
  const err = await t.throwsAsync(loadComponents(manifests, { registry, context, logger }), { instanceOf: ComponentError });
  t.regex(err!.message, /^c.yaml: component "bad": unknown component type "state.mystery"/);
  t.is(fake.created.length, 0);
});

test('loadComponents refuses duplicate names, naming both files', async (t) => {
  const registry = new ComponentRegistry().register(recordingStore().definition);
  const manifests = [...parseComponentManifests(doc('same', 'state.fake'), 'one.yaml'), ...parseComponentManifests(doc('same', 'state.fake'), 'two.yaml')];
  await t.throwsAsync(loadComponents(manifests, { registry, context, logger }), {
    message: 'two.yaml: component "same": duplicate component name (first defined in one.yaml)',
  });
});

test('loadComponents reports missing required metadata by name', async (t) => {
  const registry = new ComponentRegistry().register(recordingStore('state.fake', 'redisHost').definition);
  await t.throwsAsync(loadComponents(parseComponentManifests(doc('r', 'state.fake'), 'r.yaml'), { registry, context, logger }), {
    message: 'r.yaml: component "r": metadata "redisHost" is required',
  });
});

test('loadComponents closes what it started when a later component fails', async (t) => {
  const fake = recordingStore();
  const registry = new ComponentRegistry().register(fake.definition);
  const text = [doc('first', 'state.fake', '  metadata:\n    - name: label\n      value: first'), doc('second', 'state.fake', '  metadata:\n    - name: fail\n      value: yes')].join('\n---\n');
  await t.throwsAsync(loadComponents(parseComponentManifests(text, 'c.yaml'), { registry, context, logger }), {
    message: /component "second": init failed: cannot connect/,
  });
  t.deepEqual(fake.closed, ['first']);
});

test('ignoreErrors skips a failing component and loads the rest', async (t) => {
  const registry = new ComponentRegistry().register(recordingStore().definition);
  const text = [doc('broken', 'state.fake', '  ignoreErrors: true\n  metadata:\n    - name: fail\n      value: "1"'), doc('fine', 'state.fake')].join('\n---\n');
  const loaded = await loadComponents(parseComponentManifests(text, 'c.yaml'), { registry, context, logger });
  t.deepEqual(loaded.map((c) => c.manifest.name), ['fine']);
});

test('a component that does not come up within initTimeout fails', async (t) => {
  const registry = new ComponentRegistry().register(recordingStore().definition);
  const text = doc('slow', 'state.fake', '  initTimeout: 50ms\n  metadata:\n    - name: hang\n      value: "1"');
  await t.throwsAsync(loadComponents(parseComponentManifests(text, 'c.yaml'), { registry, context, logger }), {
    message: /component "slow": init failed: timed out after 50 ms/,
  });
});

test('scopes limit a component to the apps they list', async (t) => {
  const registry = new ComponentRegistry().register(recordingStore().definition);
  const text = [doc('mine', 'state.fake', 'scopes: [app1]'), doc('theirs', 'state.fake', 'scopes: [other]')].join('\n---\n');
  const loaded = await loadComponents(parseComponentManifests(text, 'c.yaml'), { registry, context, logger });
  t.deepEqual(loaded.map((c) => c.manifest.name), ['mine']);
});

test('metadata names are case-insensitive and templates and envRef are resolved', async (t) => {
  process.env['OUTRIGGER_TEST_HOST'] = 'db.example:1';
  const fake = recordingStore();
  const registry = new ComponentRegistry().register(fake.definition);
  const text = doc('m', 'state.fake', '  metadata:\n    - name: RedisHOST\n      envRef: OUTRIGGER_TEST_HOST\n    - name: consumer\n      value: "{appID}-group"');
  await loadComponents(parseComponentManifests(text, 'c.yaml'), { registry, context, logger });
  t.is(fake.created[0]!.string('redisHost'), 'db.example:1');
  t.is(fake.created[0]!.string('CONSUMER'), 'app1-group');
});

test('envRef cannot read the sidecar\'s own secrets', async (t) => {
  const registry = new ComponentRegistry().register(recordingStore().definition);
  const text = doc('m', 'state.fake', '  metadata:\n    - name: token\n      envRef: DAPR_API_TOKEN');
  await t.throwsAsync(loadComponents(parseComponentManifests(text, 'c.yaml'), { registry, context, logger }), {
    message: /cannot read protected environment variable DAPR_API_TOKEN/,
  });
});

test('a secretKeyRef without a secret store is a clear error', async (t) => {
  const registry = new ComponentRegistry().register(recordingStore().definition);
  const text = doc('m', 'state.fake', '  metadata:\n    - name: password\n      secretKeyRef:\n        name: pw');
  await t.throwsAsync(loadComponents(parseComponentManifests(text, 'c.yaml'), { registry, context, logger }), {
    message: /metadata "password" refers to secret "pw".*no secret store is loaded/,
  });
});
