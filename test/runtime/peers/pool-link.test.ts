import test from 'ava';
import { PROTOCOL_VERSION, encode, type PeerMessage } from '@outrigger/placement';
import { PeerError } from '../../../runtime/src/peers/index.js';
import { hello, invoke, startPool, startRawPeer } from './fixtures.js';

/** A raw peer's answer to each message of a frame: its hello, an empty 204 per request. */
function answersTo(messages: readonly PeerMessage[]): PeerMessage[] {
  return messages.flatMap((m): PeerMessage[] => {
    if (m.kind === 'hello') return [hello('peer')];
    if (m.kind === 'invoke') return [{ kind: 'response', v: PROTOCOL_VERSION, id: m.id, status: 204, headers: {}, body: new Uint8Array() }];
    return [];
  });
}

test('pool link a peer that answers with another protocol version fails the request with PEER_REFUSED', async (t) => {
  const peer = await startRawPeer(t, (socket, messages) => {
    if (messages[0]?.kind === 'hello') socket.send(encode({ ...hello('future'), v: PROTOCOL_VERSION + 1 } as PeerMessage));
  });
  const pool = startPool(t);
  const error = await t.throwsAsync(pool.request(peer.address, invoke(), 5_000), { instanceOf: PeerError });
  t.is(error.code, 'PEER_REFUSED');
  t.regex(error.message, /PROTO_VERSION_MISMATCH/);
});

test('pool link requests queued in one tick leave as one websocket message', async (t) => {
  const peer = await startRawPeer(t, (socket, messages) => socket.send(encode(answersTo(messages))));
  const pool = startPool(t);
  await pool.request(peer.address, invoke(), 5_000);
  const before = peer.frames.length;
  await Promise.all(Array.from({ length: 100 }, () => pool.request(peer.address, invoke(), 5_000)));
  t.is(peer.frames.length - before, 1);
  t.is(peer.frames.at(-1)?.length, 100);
});

test('pool link with batchWrites off, each request is its own websocket message', async (t) => {
  const peer = await startRawPeer(t, (socket, messages) => answersTo(messages).forEach((m) => socket.send(encode(m))));
  const pool = startPool(t, { batchWrites: false });
  await pool.request(peer.address, invoke(), 5_000);
  const before = peer.frames.length;
  await Promise.all(Array.from({ length: 10 }, () => pool.request(peer.address, invoke(), 5_000)));
  t.is(peer.frames.length - before, 10);
});
