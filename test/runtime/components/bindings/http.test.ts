/** `bindings.http` through a real sidecar, calling a recording HTTP server. */
import test, { type ExecutionContext } from 'ava';
import type { ServerResponse } from 'node:http';
import { startApp, type RecordedRequest } from '../../../harness/app.js';
import { componentYaml, resourcesDir } from '../../../harness/files.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { startSidecar } from '../../../harness/sidecar.js';

async function setup(t: ExecutionContext, handler: (request: RecordedRequest, response: ServerResponse) => void, metadata: Record<string, string> = {}) {
  const server = await startApp(t, handler);
  const dir = await resourcesDir(t, { 'web.yaml': componentYaml('web', 'bindings.http', { url: `http://127.0.0.1:${server.port}/api/`, ...metadata }) });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  const send = (json: unknown) => http('POST', `${sidecar.url}/v1.0/bindings/web`, { json });
  return { server, send };
}

const reply = (status: number, body: string, headers: Record<string, string> = {}) => (_: RecordedRequest, response: ServerResponse) => {
  response.writeHead(status, headers);
  response.end(body);
};

test('get appends the path and returns the body, with status and headers as metadata headers', async (t) => {
  const { server, send } = await setup(t, reply(200, '{"id":1234}', { 'x-thing': 'yes' }));
  const response = await send({ operation: 'get', metadata: { path: '/things/1234?full=1' } });
  t.is(response.status, 200);
  t.deepEqual(response.json(), { id: 1234 });
  t.is(response.headers.get('metadata.statuscode'), '200');
  t.is(response.headers.get('metadata.status'), '200 OK');
  t.is(response.headers.get('metadata.x-thing'), 'yes');
  t.is(server.requests[0]?.method, 'GET');
  t.is(server.requests[0]?.url, '/api/things/1234?full=1');
  t.is(server.requests[0]?.body.length, 0);
});

test('post sends the data as JSON, and capitalised metadata as headers', async (t) => {
  const { server, send } = await setup(t, reply(201, ''));
  const response = await send({ operation: 'post', data: { name: 'Leia' }, metadata: { path: 'people', 'X-Trace': 'abc', lower: 'not a header' } });
  t.is(response.status, 200);
  t.is(response.text, '');
  t.is(response.headers.get('metadata.statuscode'), '201');
  const [request] = server.requests;
  t.is(request?.method, 'POST');
  t.is(request?.body.toString(), '{"name":"Leia"}');
  t.is(request?.headers['content-type'], 'application/json; charset=utf-8');
  t.is(request?.headers['x-trace'], 'abc');
  t.is(request?.headers['lower'], undefined);
});

test('create is a POST, and every verb Dapr lists is accepted', async (t) => {
  const { server, send } = await setup(t, reply(200, ''));
  for (const operation of ['create', 'put', 'patch', 'delete', 'options', 'head']) {
    t.is((await send({ operation, data: 'x' })).status, 200, operation);
  }
  t.deepEqual(server.requests.map((r) => r.method), ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);
});

test('a status outside 2xx fails the call, with the status in the metadata headers', async (t) => {
  const { send } = await setup(t, reply(404, 'no such thing'));
  const response = await send({ operation: 'get', metadata: { path: 'missing' } });
  t.is(response.status, 500);
  t.deepEqual(response.json(), { errorCode: 'ERR_INVOKE_OUTPUT_BINDING', message: 'error invoking output binding web: received status code 404' });
  t.is(response.headers.get('metadata.statuscode'), '404');
});

test('errorIfNot2XX "false" passes a 404 through as data', async (t) => {
  const { send } = await setup(t, reply(404, 'no such thing'));
  const response = await send({ operation: 'get', metadata: { errorIfNot2XX: 'false' } });
  t.is(response.status, 200);
  t.is(response.text, 'no such thing');
});

test('a server that is not there is ERR_INVOKE_OUTPUT_BINDING with the reason', async (t) => {
  const dir = await resourcesDir(t, { 'web.yaml': componentYaml('web', 'bindings.http', { url: 'http://127.0.0.1:1/' }) });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  const response = await http('POST', `${sidecar.url}/v1.0/bindings/web`, { json: { operation: 'get' } });
  t.is(response.status, 500);
  t.regex(response.json<DaprErrorBody>().message, /^error invoking output binding web: .*ECONNREFUSED/);
});
