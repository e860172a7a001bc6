/**
 * The call chain across actor-to-actor calls, through a real sidecar: A → B → A re-enters A
 * when its type allows reentrancy, and fails fast with a typed ERR_ACTOR_DEADLOCK when not.
 */
import test from 'ava';
import { startHostedActors } from '../../harness/actor-host.js';
import { waitUntil } from '../../harness/eventually.js';
import { uniqueId } from '../../harness/ids.js';
import { Actor, ActorError, SidecarError, type ActorHost } from '../../../sdk/src/index.js';

class Ping extends Actor {
  /** Calls `peer`, which calls back `back` on this actor; answers what came back. */
  async bounce(peerType: string, peer: string): Promise<string> {
    this.state.set('visits', 1);
    return this.actor<Ping>(peerType, peer).callBack(this.type, this.id);
  }

  async callBack(type: string, id: string): Promise<string> {
    try {
      return await this.actor<Ping>(type, id).back();
    } catch (err) {
      if (err instanceof SidecarError) return `SidecarError ${err.errorCode}`;
      throw err;
    }
  }

  async bounceUncaught(peerType: string, peer: string): Promise<string> {
    return this.actor<Ping>(peerType, peer).callBackUncaught(this.type, this.id);
  }

  async callBackUncaught(type: string, id: string): Promise<string> {
    return this.actor<Ping>(type, id).back();
  }

  /** A timer's turn that calls `peer`, which calls back into this actor. */
  async startBouncingTimer(peer: string): Promise<void> {
    await this.registerTimer('bounce', { callback: 'bounceFromTimer', data: peer, dueTime: '10ms' });
  }

  async bounceFromTimer(peer: string): Promise<void> {
    await this.unregisterTimer('bounce');
    this.state.set('fromTimer', await this.actor<Ping>(this.type, peer).callBack(this.type, this.id));
  }

  async read(key: string): Promise<unknown> {
    return this.state.get(key);
  }

  /** Sees the outer turn's unsaved write: the re-entry is part of the same turn. */
  async back(): Promise<string> {
    return `re-entered ${this.id} seeing visits=${await this.state.get('visits')}`;
  }
}

function register(host: ActorHost): void {
  host.register('Reentrant', Ping, { reentrancy: { enabled: true, maxStackDepth: 8 } }).register('Plain', Ping);
}

test('with reentrancy enabled, A → B → A re-enters A inside the same turn', async (t) => {
  const { client } = await startHostedActors(t, register);
  const a = uniqueId('a');
  t.is(await client.actor<Ping>('Reentrant', a).bounce('Reentrant', uniqueId('b')), `re-entered ${a} seeing visits=1`);
});

test('without reentrancy, A → B → A fails at once with ERR_ACTOR_DEADLOCK as a typed error', async (t) => {
  const { client } = await startHostedActors(t, register);
  t.is(await client.actor<Ping>('Plain', uniqueId('a')).bounce('Plain', uniqueId('b')), 'SidecarError ERR_ACTOR_DEADLOCK');
});

test('a sidecar error an actor does not catch reaches the first caller with its name and errorCode', async (t) => {
  const { client } = await startHostedActors(t, register);
  const error = await t.throwsAsync(client.actor<Ping>('Plain', uniqueId('a')).bounceUncaught('Plain', uniqueId('b')), { instanceOf: ActorError });
  t.is(error.name, 'SidecarError');
  t.is(error.errorCode, 'ERR_ACTOR_DEADLOCK');
  t.regex(error.message, /deadlock/);
});

test('a timer turn carries its chain, so an actor it calls can call back into it (Dapr sends none)', async (t) => {
  const { client } = await startHostedActors(t, register);
  const a = client.actor<Ping>('Reentrant', uniqueId('a'));
  await a.startBouncingTimer(uniqueId('b'));
  let seen: unknown;
  await waitUntil('the timer turn has finished', async () => (seen = await a.read('fromTimer')) !== undefined);
  t.regex(String(seen), /^re-entered /);
});
