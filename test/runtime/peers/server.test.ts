import test from 'ava';
import { CLOSE_PROTOCOL_VIOLATION, PROTOCOL_VERSION, type PeerMessage, type PeerResponse } from '@outrigger/placement';
import { waitUntil } from '../../harness/eventually.js';
import { RawClient, hello, invoke, recordingLogger, startServer } from './fixtures.js';

function request(id: number, body: string): PeerMessage {
  return { ...invoke({ body: Buffer.from(body) }), v: PROTOCOL_VERSION, id, timeoutMs: 5_000 };
}

test('server answers a hello with its own and serves the requests of a batch', async (t) => {
  const server = await startServer(t);
  const client = await RawClient.connect(t, server.address);
  client.send([hello('raw'), request(1, 'one'), request(2, 'two')]);
  await waitUntil('three answers', () => client.received.length === 3);
  t.like(client.received[0], { kind: 'hello', hostId: 'callee-host', appId: 'callee', namespace: 'default' });
  const answers = client.received.slice(1) as PeerResponse[];
  t.deepEqual(answers.map((a) => [a.kind, a.id, a.headers['x-echo-caller'], Buffer.from(a.body).toString()]).sort(), [
    ['response', 1, 'raw', 'one'],
    ['response', 2, 'raw', 'two'],
  ]);
});

test('server malformed bytes close only that link, with 1008', async (t) => {
  const server = await startServer(t);
  const bad = await RawClient.connect(t, server.address);
  const good = await RawClient.connect(t, server.address);
  good.send(hello('good'));
  bad.send(hello('bad'));
  bad.sendBytes(Buffer.from([0xc1, 0xff, 0x00]));
  await waitUntil('the bad link is closed', () => bad.closed !== undefined);
  t.deepEqual(bad.closed, { code: CLOSE_PROTOCOL_VIOLATION, reason: 'PROTO_MALFORMED' });
  good.send(request(1, 'still served'));
  await waitUntil('the good link is answered', () => good.received.length === 2);
  t.is(Buffer.from((good.received[1] as PeerResponse).body).toString(), 'still served');
  t.is(good.closed, undefined);
});

test('server a hello of another protocol version is closed with 1008 and a logged reason', async (t) => {
  const { logger, lines } = recordingLogger();
  const server = await startServer(t, undefined, { logger });
  const client = await RawClient.connect(t, server.address);
  client.send(hello('old', PROTOCOL_VERSION + 1));
  await waitUntil('the link is closed', () => client.closed !== undefined);
  t.deepEqual(client.closed, { code: CLOSE_PROTOCOL_VIOLATION, reason: 'PROTO_VERSION_MISMATCH' });
  const logged = lines.find((l) => l.code === 'PROTO_VERSION_MISMATCH');
  t.regex(logged?.reason ?? '', /protocol version 2 is not supported/);
  t.is(client.received.length, 0, 'no hello for a peer of another version');
});

test('server a request before the hello is closed with 1008', async (t) => {
  const server = await startServer(t);
  const client = await RawClient.connect(t, server.address);
  client.send(request(1, 'who am I'));
  await waitUntil('the link is closed', () => client.closed !== undefined);
  t.deepEqual(client.closed, { code: CLOSE_PROTOCOL_VIOLATION, reason: 'PROTO_OUT_OF_ORDER' });
});

test('server a link that never says hello is closed after helloTimeoutMs', async (t) => {
  const server = await startServer(t, undefined, { helloTimeoutMs: 50 });
  const client = await RawClient.connect(t, server.address);
  await waitUntil('the link is closed', () => client.closed !== undefined);
  t.deepEqual(client.closed, { code: CLOSE_PROTOCOL_VIOLATION, reason: 'PROTO_OUT_OF_ORDER' });
});

test('server a caller may not answer: a response from the caller closes the link', async (t) => {
  const server = await startServer(t);
  const client = await RawClient.connect(t, server.address);
  client.send([hello(), { kind: 'response', v: PROTOCOL_VERSION, id: 1, status: 200, headers: {}, body: new Uint8Array() }]);
  await waitUntil('the link is closed', () => client.closed !== undefined);
  t.is(client.closed?.code, CLOSE_PROTOCOL_VIOLATION);
});
