import test from 'ava';
import type { HostRecord, PeerResponse } from '@outrigger/placement';
import { ApiError } from '../../../runtime/src/errors/index.js';
import { createInvokeService, type PeerCaller } from '../../../runtime/src/invoke/index.js';
import { PeerError, PeerUnavailableError } from '../../../runtime/src/peers/index.js';
import { call, fakeDirectory } from './fixtures.js';

const hosts: HostRecord[] = ['a', 'b'].map((h) => ({ hostId: h, appId: 'orders', namespace: 'default', address: `${h}:1`, actorTypes: [] }));

/** A PeerCaller that answers from a script, one entry per call, and records the addresses. */
function scripted(...outcomes: Array<Error | 'ok'>): PeerCaller & { addresses: string[] } {
  const addresses: string[] = [];
  return {
    addresses,
    async request(address) {
      addresses.push(address);
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome instanceof Error) throw outcome;
      const response: PeerResponse = { kind: 'response', v: 1, id: 1, status: 200, headers: {}, body: Buffer.from('ok') };
      return response;
    },
  };
}

function service(peers: PeerCaller, timeoutMs = 5_000) {
  const retry = { retries: 3, firstDelayMs: 1, maxDelayMs: 4 };
  return createInvokeService({ appId: 'caller', namespace: undefined, appChannel: undefined, directory: fakeDirectory(hosts), peers, timeoutMs, retry });
}

const gone = () => new PeerUnavailableError('host gone');

test('retry a connection failure is retried on the other instance', async (t) => {
  const peers = scripted(gone());
  t.is((await service(peers).invoke(call('orders', 'x'))).status, 200);
  t.deepEqual(peers.addresses, ['a:1', 'b:1']);
});

test('retry connection failures are retried 3 times, then a 500 ERR_DIRECT_INVOKE', async (t) => {
  const peers = scripted(gone(), gone(), gone(), gone(), gone());
  const error = await t.throwsAsync(service(peers).invoke(call('orders', 'x')), { instanceOf: ApiError });
  t.is(peers.addresses.length, 4);
  t.is(error.code, 'ERR_DIRECT_INVOKE');
  t.is(error.message, 'failed to invoke, id: orders, err: host gone');
});

test('retry other failures are not retried', async (t) => {
  for (const failure of [new PeerError('PEER_TIMEOUT', 'no answer'), new PeerError('PEER_REFUSED', 'other version')]) {
    const peers = scripted(failure);
    const error = await t.throwsAsync(service(peers).invoke(call('orders', 'x')), { instanceOf: ApiError });
    t.is(peers.addresses.length, 1);
    t.is(error.status, 500);
  }
});

test('retry no retry starts past the call deadline', async (t) => {
  const peers = scripted(gone(), gone(), gone(), gone());
  const retry = { retries: 3, firstDelayMs: 10_000, maxDelayMs: 10_000 };
  const invoke = createInvokeService({ appId: 'caller', namespace: undefined, appChannel: undefined, directory: fakeDirectory(hosts), peers, timeoutMs: 1_000, retry });
  await t.throwsAsync(invoke.invoke(call('orders', 'x')), { instanceOf: ApiError });
  t.is(peers.addresses.length, 1);
});
