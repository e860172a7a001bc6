import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { componentYaml, resourcesDir, tempDir } from '../../harness/files.js';
import { startSidecar } from '../../harness/sidecar.js';
import { OutriggerClient, SidecarError } from '../../../sdk/src/index.js';

async function clientWithSecrets(t: Parameters<typeof tempDir>[0], secrets: object, metadata: Record<string, string> = {}): Promise<OutriggerClient> {
  const file = join(await tempDir(t), 'secrets.json');
  await writeFile(file, JSON.stringify(secrets));
  const dir = await resourcesDir(t, { 'vault.yaml': componentYaml('vault', 'secretstores.local.file', { secretsFile: file, ...metadata }) });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());
  return client;
}

test('get answers a secret as its keys and values, getBulk every secret by name', async (t) => {
  const client = await clientWithSecrets(t, { 'db-password': 's3cret', redis: { host: 'localhost', port: 6379 } });
  t.deepEqual(await client.secrets.get('vault', 'db-password'), { 'db-password': 's3cret' });
  t.deepEqual(await client.secrets.get('vault', 'redis:port'), { 'redis:port': '6379' }, 'nested names are joined, and the name is URL-encoded on the way');
  t.deepEqual(await client.secrets.getBulk('vault'), {
    'db-password': { 'db-password': 's3cret' },
    'redis:host': { 'redis:host': 'localhost' },
    'redis:port': { 'redis:port': '6379' },
  });
});

test('a multi-valued store answers each secret with all its keys', async (t) => {
  const client = await clientWithSecrets(t, { redis: { host: 'localhost', port: 6379 } }, { multiValued: 'true' });
  t.deepEqual(await client.secrets.get('vault', 'redis'), { host: 'localhost', port: '6379' });
});

test('a missing secret and an unknown store are SidecarErrors with Dapr\'s codes', async (t) => {
  const client = await clientWithSecrets(t, { present: 'yes' });
  const missing = await t.throwsAsync(client.secrets.get('vault', 'absent'), { instanceOf: SidecarError });
  t.is(missing.errorCode, 'ERR_SECRET_GET');
  const unknown = await t.throwsAsync(client.secrets.getBulk('nope'), { instanceOf: SidecarError });
  t.is(unknown.errorCode, 'ERR_SECRET_STORE_NOT_FOUND');
});
