import anyTest, { type TestFn } from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cleanup } from '../../harness/cleanup.js';
import { componentYaml, resourcesDir, tempDir } from '../../harness/files.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';

/**
 * One sidecar for the file, with two local.file stores (single- and multi-valued), a
 * local.env store, and a Configuration whose secret scopes restrict two of them.
 */
const test = anyTest as TestFn<{ sidecar: SidecarHandle; secrets: string }>;
const cleanup = new Cleanup();

const SECRETS = {
  db: { password: 'pw1', user: 'admin', ports: [5432, 5433] },
  token: 'abc',
  hidden: 'nope',
};

const CONFIGURATION = `apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: scoped
spec:
  secrets:
    scopes:
      - storeName: scoped
        defaultAccess: deny
        allowedSecrets: [token]
      - storeName: files
        deniedSecrets: [hidden]
`;

test.before(async (t) => {
  const dir = await tempDir(cleanup, 'outrigger-secrets-');
  const file = join(dir, 'secrets.json');
  await writeFile(file, JSON.stringify(SECRETS));
  await writeFile(join(dir, 'config.yaml'), CONFIGURATION);
  const resources = await resourcesDir(cleanup, {
    'files.yaml': componentYaml('files', 'secretstores.local.file', { secretsFile: file }),
    'dotted.yaml': componentYaml('dotted', 'secretstores.local.file', { secretsFile: file, nestedSeparator: '.' }),
    'multi.yaml': componentYaml('multi', 'secretstores.local.file', { secretsFile: file, multiValued: 'true' }),
    'scoped.yaml': componentYaml('scoped', 'secretstores.local.file', { secretsFile: file }),
    'env.yaml': componentYaml('env', 'secretstores.local.env', { prefix: 'OUTRIGGER_TEST_SECRET_' }),
  });
  const sidecar = await startSidecar(cleanup, {
    resourcesPaths: [resources],
    args: ['--config', join(dir, 'config.yaml')],
    env: { OUTRIGGER_TEST_SECRET_API_KEY: 'from-env' },
  });
  t.context = { sidecar, secrets: `${sidecar.url}/v1.0/secrets` };
});
test.after.always(() => cleanup.run());

const get = (t: { context: { secrets: string } }, path: string) => http('GET', `${t.context.secrets}/${path}`);

test('a single-valued secret is {name: value}, nested names joined with ":"', async (t) => {
  const res = await get(t, 'files/db:password');
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/json');
  t.deepEqual(res.json(), { 'db:password': 'pw1' });
  t.deepEqual((await get(t, 'files/db:ports:1')).json(), { 'db:ports:1': '5433' });
});

test('nestedSeparator changes how nested names are joined', async (t) => {
  t.deepEqual((await get(t, 'dotted/db.user')).json(), { 'db.user': 'admin' });
});

test('a multi-valued store returns every key of a secret', async (t) => {
  t.deepEqual((await get(t, 'multi/db')).json(), { password: 'pw1', user: 'admin', 'ports:0': '5432', 'ports:1': '5433' });
  t.deepEqual((await get(t, 'multi/token')).json(), { token: 'abc' });
});

test('bulk returns every secret as {name: {key: value}}', async (t) => {
  const res = await get(t, 'multi/bulk');
  t.is(res.status, 200);
  t.deepEqual(res.json<Record<string, unknown>>()['db'], { password: 'pw1', user: 'admin', 'ports:0': '5432', 'ports:1': '5433' });
  t.deepEqual(res.json<Record<string, unknown>>()['hidden'], { hidden: 'nope' });
});

test('a missing secret is 500 ERR_SECRET_GET naming the key and the store', async (t) => {
  const res = await get(t, 'files/nothing-here');
  t.is(res.status, 500);
  t.is(res.json<DaprErrorBody>().errorCode, 'ERR_SECRET_GET');
  t.is(res.json<DaprErrorBody>().message, 'failed getting secret with key nothing-here from secret store files: secret nothing-here not found');
});

test('an unknown store is 401 ERR_SECRET_STORE_NOT_FOUND, as daprd answers', async (t) => {
  const res = await get(t, 'nowhere/token');
  t.is(res.status, 401);
  t.deepEqual(res.json(), { errorCode: 'ERR_SECRET_STORE_NOT_FOUND', message: 'failed finding secret store with key nowhere' });
});

test('a secret outside the scope is 403 ERR_PERMISSION_DENIED', async (t) => {
  const denied = await get(t, 'files/hidden');
  t.is(denied.status, 403);
  t.deepEqual(denied.json(), { errorCode: 'ERR_PERMISSION_DENIED', message: 'access denied by policy to get "hidden" from "files"' });
  t.is((await get(t, 'scoped/db:user')).status, 403, 'defaultAccess deny refuses what allowedSecrets does not list');
  t.deepEqual((await get(t, 'scoped/token')).json(), { token: 'abc' });
  t.deepEqual((await get(t, 'files/token')).json(), { token: 'abc' }, 'a secret not denied follows defaultAccess allow');
});

test('bulk leaves out the secrets the scope refuses, without an error', async (t) => {
  t.deepEqual((await get(t, 'scoped/bulk')).json(), { token: { token: 'abc' } });
  const files = (await get(t, 'files/bulk')).json<Record<string, unknown>>();
  t.false('hidden' in files);
  t.deepEqual(files['token'], { token: 'abc' });
});

test('local.env reads prefixed variables by their name without the prefix', async (t) => {
  t.deepEqual((await get(t, 'env/API_KEY')).json(), { API_KEY: 'from-env' });
  t.deepEqual((await get(t, 'env/bulk')).json(), { API_KEY: { API_KEY: 'from-env' } });
});

test('local.env never shows the sidecar\'s own DAPR_ variables or APP_API_TOKEN', async (t) => {
  // Not DAPR_API_TOKEN itself: setting it would make the sidecar demand the token on every call.
  const store = await startSidecar(t, {
    resourcesPaths: [await resourcesDir(t, { 'env.yaml': componentYaml('env', 'secretstores.local.env') })],
    env: { DAPR_OUTRIGGER_TEST: 'sidecar-only', APP_API_TOKEN: 'app-only', OUTRIGGER_VISIBLE: 'yes' },
  });
  t.deepEqual((await http('GET', `${store.url}/v1.0/secrets/env/DAPR_OUTRIGGER_TEST`)).json(), { DAPR_OUTRIGGER_TEST: '' });
  t.deepEqual((await http('GET', `${store.url}/v1.0/secrets/env/APP_API_TOKEN`)).json(), { APP_API_TOKEN: '' });
  const bulk = (await http('GET', `${store.url}/v1.0/secrets/env/bulk`)).json<Record<string, unknown>>();
  t.false('DAPR_OUTRIGGER_TEST' in bulk);
  t.false('APP_API_TOKEN' in bulk);
  t.deepEqual(bulk['OUTRIGGER_VISIBLE'], { OUTRIGGER_VISIBLE: 'yes' });
});

test('without any secret store the API is 500 ERR_SECRET_STORES_NOT_CONFIGURED', async (t) => {
  const bare = await startSidecar(t, { resourcesPaths: [await resourcesDir(t, {})] });
  const res = await http('GET', `${bare.url}/v1.0/secrets/files/token`);
  t.is(res.status, 500);
  t.deepEqual(res.json(), { errorCode: 'ERR_SECRET_STORES_NOT_CONFIGURED', message: 'secret store is not configured' });
});

test('the metadata API lists secret stores with their features', async (t) => {
  const metadata = (await http('GET', `${t.context.sidecar.url}/v1.0/metadata`)).json<{ components: Array<{ name: string; type: string; capabilities?: string[] }> }>();
  const multi = metadata.components.find((c) => c.name === 'multi');
  t.is(multi?.type, 'secretstores.local.file');
  t.deepEqual(multi?.capabilities, ['MULTIPLE_KEY_VALUES_PER_SECRET']);
});
