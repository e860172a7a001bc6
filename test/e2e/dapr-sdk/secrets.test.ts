/**
 * The official Dapr JS SDK (@dapr/dapr, HTTP protocol) against our sidecar, unchanged: the
 * secrets API as the SDK sends it (see shared reference: dapr-node-sdk-wire.md §2).
 */
import anyTest, { type TestFn } from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DaprClient } from '@dapr/dapr';
import { Cleanup } from '../../harness/cleanup.js';
import { daprClientFor } from '../../harness/dapr-client.js';
import { componentYaml, resourcesDir, tempDir } from '../../harness/files.js';
import { startSidecar } from '../../harness/sidecar.js';

const test = anyTest as TestFn<{ client: DaprClient }>;
const cleanup = new Cleanup();

test.before(async (t) => {
  const dir = await tempDir(cleanup, 'outrigger-sdk-secrets-');
  const file = join(dir, 'secrets.json');
  await writeFile(file, JSON.stringify({ 'db-password': 'pw', redis: { host: 'localhost', port: 6379 }, private: 'x' }));
  await writeFile(join(dir, 'config.yaml'), 'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: c\nspec:\n  secrets:\n    scopes:\n      - storeName: vault\n        deniedSecrets: [private]\n');
  const resources = await resourcesDir(cleanup, { 'vault.yaml': componentYaml('vault', 'secretstores.local.file', { secretsFile: file }) });
  const sidecar = await startSidecar(cleanup, { resourcesPaths: [resources], args: ['--config', join(dir, 'config.yaml')] });
  const client = daprClientFor(cleanup, sidecar);
  t.context = { client };
});
test.after.always(() => cleanup.run());

test('DaprClient gets a secret as {name: value}', async (t) => {
  t.deepEqual(await t.context.client.secret.get('vault', 'db-password'), { 'db-password': 'pw' });
  t.deepEqual(await t.context.client.secret.get('vault', 'redis:port'), { 'redis:port': '6379' });
});

test('DaprClient passes request metadata through the query string', async (t) => {
  t.deepEqual(await t.context.client.secret.get('vault', 'db-password', 'metadata.namespace=prod'), { 'db-password': 'pw' });
});

test('DaprClient gets every secret the scope admits in bulk', async (t) => {
  t.deepEqual(await t.context.client.secret.getBulk('vault'), {
    'db-password': { 'db-password': 'pw' },
    'redis:host': { 'redis:host': 'localhost' },
    'redis:port': { 'redis:port': '6379' },
  });
});

test('DaprClient sees a denied secret as a 403 ERR_PERMISSION_DENIED', async (t) => {
  const err = await t.throwsAsync(t.context.client.secret.get('vault', 'private'));
  const failure = JSON.parse(err!.message) as { status: number; error_msg: string };
  t.is(failure.status, 403);
  t.regex(failure.error_msg, /ERR_PERMISSION_DENIED/);
});
