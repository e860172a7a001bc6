import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pino } from 'pino';
import { localFileSecretStore } from '../../../../runtime/src/components/secretstores/local-file.js';
import { ComponentMetadata, ComponentMetadataError } from '../../../../runtime/src/components/index.js';
import { systemClock } from '../../../../runtime/src/clock/index.js';
import { SecretNotFoundError } from '../../../../runtime/src/secrets/index.js';
import { tempDir } from '../../../harness/files.js';

const context = { appId: 'app1', namespace: undefined, logger: pino({ level: 'silent' }), clock: systemClock };

async function storeOf(t: Parameters<typeof tempDir>[0], text: string, metadata: Record<string, string> = {}) {
  const file = join(await tempDir(t), 'secrets.json');
  await writeFile(file, text);
  return localFileSecretStore.create(ComponentMetadata.from({ secretsFile: file, ...metadata }), context);
}

test('scalars that are not strings keep their JSON text; null is empty', async (t) => {
  const store = await storeOf(t, JSON.stringify({ n: 42, yes: true, none: null }));
  t.deepEqual(await store.bulkGet({}), { n: { n: '42' }, yes: { yes: 'true' }, none: { none: '' } });
});

test('an unknown secret is a SecretNotFoundError', async (t) => {
  const store = await storeOf(t, '{"a": "1"}');
  await t.throwsAsync(store.get('b', {}), { instanceOf: SecretNotFoundError, message: 'secret b not found' });
});

test('a nested object is not a secret of its own in a single-valued store', async (t) => {
  const store = await storeOf(t, '{"db": {"user": "u"}}');
  await t.throwsAsync(store.get('db', {}), { instanceOf: SecretNotFoundError });
  t.deepEqual(await store.get('db:user', {}), { 'db:user': 'u' });
});

test('a relative secretsFile is read from the working folder', async (t) => {
  const file = join(await tempDir(t), 'relative.json');
  await writeFile(file, '{"k": "v"}');
  const store = await localFileSecretStore.create(ComponentMetadata.from({ secretsFile: relative(process.cwd(), file) }), context);
  t.deepEqual(await store.get('k', {}), { k: 'v' });
});

test('a file that is not a JSON object fails loading, naming secretsFile', async (t) => {
  await t.throwsAsync(storeOf(t, '{"a": '), { instanceOf: ComponentMetadataError, message: /^metadata "secretsFile" is not valid JSON/ });
  await t.throwsAsync(storeOf(t, '["a"]'), { instanceOf: ComponentMetadataError, message: /^metadata "secretsFile" must hold a JSON object/ });
});

test('a missing file or a missing secretsFile fails loading', async (t) => {
  const missing = localFileSecretStore.create(ComponentMetadata.from({ secretsFile: '/nonexistent/secrets.json' }), context);
  await t.throwsAsync(missing, { instanceOf: ComponentMetadataError, message: /^metadata "secretsFile" cannot be read: ENOENT/ });
  await t.throwsAsync(localFileSecretStore.create(ComponentMetadata.from({}), context), { message: 'metadata "secretsFile" is required' });
});
