import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { componentYaml, tempDir } from '../../harness/files.js';
import { http } from '../../harness/http.js';
import { startSidecar } from '../../harness/sidecar.js';
import { writeFile } from 'node:fs/promises';

test('with no resources path the sidecar provides a SQLite statestore under OUTRIGGER_HOME', async (t) => {
  const home = await tempDir(t);
  const sidecar = await startSidecar(t, { home });
  const metadata = (await http('GET', `${sidecar.url}/v1.0/metadata`)).json<{ components: Array<{ name: string; type: string; capabilities: string[] }> }>();
  t.deepEqual(metadata.components.map((c) => [c.name, c.type]), [['statestore', 'state.sqlite']]);
  t.true(metadata.components[0]!.capabilities.includes('ACTOR'));
  t.is((await http('POST', `${sidecar.url}/v1.0/state/statestore`, { json: [{ key: 'k', value: 'v' }] })).status, 204);
  t.true(existsSync(join(home, 'data', 'statestore.db')));
});

test('state in the embedded store outlives the sidecar', async (t) => {
  const home = await tempDir(t);
  const first = await startSidecar(t, { home, appId: 'keeper' });
  await http('POST', `${first.url}/v1.0/state/statestore`, { json: [{ key: 'k', value: 'kept' }] });
  await first.stop();
  const second = await startSidecar(t, { home, appId: 'keeper' });
  t.is((await http('GET', `${second.url}/v1.0/state/statestore/k`)).text, '"kept"');
});

test('a components folder under OUTRIGGER_HOME replaces the embedded default', async (t) => {
  const home = await tempDir(t);
  await mkdir(join(home, 'components'));
  await writeFile(join(home, 'components', 'mem.yaml'), componentYaml('memstore', 'state.in-memory'));
  const sidecar = await startSidecar(t, { home });
  const metadata = (await http('GET', `${sidecar.url}/v1.0/metadata`)).json<{ components: Array<{ name: string }> }>();
  t.deepEqual(metadata.components.map((c) => c.name), ['memstore']);
});
