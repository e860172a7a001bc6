/** `bindings.postgresql` through a real sidecar against the real PostgreSQL (db `test`). */
import anyTest, { type TestFn } from 'ava';
import pg from 'pg';
import { Cleanup } from '../../../harness/cleanup.js';
import { componentYaml, resourcesDir } from '../../../harness/files.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { uniqueId } from '../../../harness/ids.js';
import { startSidecar, type SidecarHandle } from '../../../harness/sidecar.js';

const CONNECTION = process.env['POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const test = anyTest as TestFn<{ sidecar: SidecarHandle }>;
const cleanup = new Cleanup();
const tables: string[] = [];

test.before(async (t) => {
  const dir = await resourcesDir(cleanup, { 'db.yaml': componentYaml('db', 'bindings.postgresql', { connectionString: CONNECTION }) });
  t.context = { sidecar: await startSidecar(cleanup, { resourcesPaths: [dir] }) };
});
test.after.always(async () => {
  const client = new pg.Client(CONNECTION);
  await client.connect();
  for (const table of tables) await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.end();
  await cleanup.run();
});

function table(): string {
  const name = uniqueId('binding').replaceAll('-', '_');
  tables.push(name);
  return name;
}

const send = (t: { context: { sidecar: SidecarHandle } }, operation: string, metadata: Record<string, string> = {}) =>
  http('POST', `${t.context.sidecar.url}/v1.0/bindings/db`, { json: { operation, metadata } });

test('exec runs a statement with $n params and reports rows-affected; query returns rows as arrays', async (t) => {
  const name = table();
  t.is((await send(t, 'exec', { sql: `CREATE TABLE ${name} (id int PRIMARY KEY, label text, doc jsonb)` })).status, 200);
  const insert = await send(t, 'exec', { sql: `INSERT INTO ${name} VALUES ($1, $2, $3), ($4, $5, NULL)`, params: JSON.stringify([1, 'one', { a: 1 }, 2, "it's two"]) });
  t.is(insert.status, 200);
  t.is(insert.text, '');
  t.is(insert.headers.get('metadata.rows-affected'), '2');
  t.is(insert.headers.get('metadata.operation'), 'exec');
  t.truthy(insert.headers.get('metadata.duration'));
  const query = await send(t, 'query', { sql: `SELECT id, label, doc FROM ${name} WHERE id >= $1 ORDER BY id`, params: '[1]' });
  t.is(query.status, 200);
  t.deepEqual(query.json(), [
    [1, 'one', { a: 1 }],
    [2, "it's two", null],
  ]);
});

test('a query with no rows is an empty array', async (t) => {
  const name = table();
  await send(t, 'exec', { sql: `CREATE TABLE ${name} (id int)` });
  t.deepEqual((await send(t, 'query', { sql: `SELECT * FROM ${name}` })).json(), []);
});

test('bad SQL, a missing sql and params that are not a JSON array are ERR_INVOKE_OUTPUT_BINDING', async (t) => {
  const bad = await send(t, 'query', { sql: 'SELEC nothing' });
  t.is(bad.status, 500);
  t.is(bad.json<DaprErrorBody>().errorCode, 'ERR_INVOKE_OUTPUT_BINDING');
  t.regex(bad.json<DaprErrorBody>().message, /syntax error/);
  t.regex((await send(t, 'exec')).json<DaprErrorBody>().message, /required metadata not set: sql/);
  t.regex((await send(t, 'exec', { sql: 'SELECT $1', params: '{"a":1}' })).json<DaprErrorBody>().message, /params.*JSON array/);
  t.regex((await send(t, 'exec', { sql: 'SELECT $1', params: '[1' })).json<DaprErrorBody>().message, /params.*not JSON/);
});

test('a failed statement in exec writes nothing', async (t) => {
  const name = table();
  await send(t, 'exec', { sql: `CREATE TABLE ${name} (id int PRIMARY KEY)` });
  const dup = await send(t, 'exec', { sql: `INSERT INTO ${name} VALUES ($1), ($1)`, params: '[7]' });
  t.is(dup.status, 500);
  t.deepEqual((await send(t, 'query', { sql: `SELECT count(*) FROM ${name}` })).json(), [[0]]);
});

test('close answers 204 and the next call opens the connection again', async (t) => {
  t.is((await send(t, 'close')).status, 204);
  t.deepEqual((await send(t, 'query', { sql: 'SELECT 1' })).json(), [[1]]);
});
