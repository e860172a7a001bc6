/**
 * Typed proxies against a real sidecar and an SDK-hosted actor: arguments and answers, errors
 * thrown in the actor rebuilt with their name and message, and sidecar failures kept typed.
 */
import anyTest, { type TestFn } from 'ava';
import { startHostedActors, type HostedActors } from '../../harness/actor-host.js';
import { Cleanup } from '../../harness/cleanup.js';
import { uniqueId } from '../../harness/ids.js';
import { Actor, ActorError, SidecarError, type ActorProxy } from '../../../sdk/src/index.js';

class OverdrawnError extends Error {
  override name = 'OverdrawnError';
}

class Wallet extends Actor {
  readonly currency = 'EUR';

  async deposit(amount: number, note?: string): Promise<{ balance: number; note: string | null }> {
    const balance = (await this.state.getOrDefault('balance', 0)) + amount;
    this.state.set('balance', balance);
    return { balance, note: note ?? null };
  }

  async withdraw(amount: number): Promise<number> {
    const balance = await this.state.getOrDefault('balance', 0);
    if (amount > balance) throw new OverdrawnError(`cannot take ${amount} from ${balance}`);
    this.state.set('balance', balance - amount);
    return balance - amount;
  }

  balance(): Promise<number> {
    return this.state.getOrDefault('balance', 0);
  }

  echo<T>(value: T): T {
    return value;
  }

  nothing(): void {}
}

/** A caller that knows the actor only through an interface, as a separate service would. */
interface WalletApi {
  deposit(amount: number, note?: string): Promise<{ balance: number; note: string | null }>;
  balance(): Promise<number>;
}

const test = anyTest as TestFn<HostedActors>;
const cleanup = new Cleanup();
test.before(async (t) => {
  t.context = await startHostedActors(cleanup, (host) => host.register('Wallet', Wallet));
});
test.after.always(() => cleanup.run());

test('a proxy typed by the class calls the actor with its arguments and returns its answer', async (t) => {
  const wallet = t.context.client.actor<Wallet>('Wallet', uniqueId('w'));
  t.deepEqual(await wallet.deposit(5, 'salary'), { balance: 5, note: 'salary' });
  t.deepEqual(await wallet.deposit(2), { balance: 7, note: null });
  t.is(await wallet.withdraw(3), 4);
  t.is(await wallet.balance(), 4);
  t.deepEqual(await wallet.echo([1, [2, 3]]), [1, [2, 3]], 'an array argument stays one argument');
  t.is(await wallet.echo('text'), 'text');
  t.is(await wallet.nothing(), undefined);
});

test('a proxy typed by an interface reaches the same actor', async (t) => {
  const id = uniqueId('w');
  await t.context.client.actor<Wallet>('Wallet', id).deposit(10);
  const api: ActorProxy<WalletApi> = t.context.client.actor<WalletApi>('Wallet', id);
  t.is(await api.balance(), 10);
});

test('an error thrown by the actor arrives with its name and message, and the turn writes nothing', async (t) => {
  const wallet = t.context.client.actor<Wallet>('Wallet', uniqueId('w'));
  await wallet.deposit(1);
  const error = await t.throwsAsync(wallet.withdraw(5), { instanceOf: ActorError });
  t.is(error.name, 'OverdrawnError');
  t.is(error.message, 'cannot take 5 from 1');
  t.like(error, { actorType: 'Wallet', method: 'withdraw', errorCode: undefined });
  t.is(await wallet.balance(), 1);
});

test('calling a method the actor does not have is an ActorMethodNotFoundError', async (t) => {
  const wallet = t.context.client.actor<Record<string, () => Promise<unknown>>>('Wallet', uniqueId('w'));
  const error = await t.throwsAsync(wallet['steal']!(), { instanceOf: ActorError });
  t.is(error.name, 'ActorMethodNotFoundError');
  const inherited = await t.throwsAsync(wallet['registerTimer']!(), { instanceOf: ActorError });
  t.is(inherited.name, 'ActorMethodNotFoundError', 'what Actor defines is not callable from outside');
});

test('a sidecar failure stays a SidecarError with Dapr\'s errorCode', async (t) => {
  const nobody = t.context.client.actor<Wallet>('NoSuchType', 'x');
  const error = await t.throwsAsync(nobody.balance(), { instanceOf: SidecarError });
  t.is(error.errorCode, 'ERR_ACTOR_INVOKE_METHOD');
});

test('a proxy is typed: fields and inherited members are not callable, arguments are checked', (t) => {
  const wallet = {} as ActorProxy<Wallet>;
  const typeOnly = () => {
    // @ts-expect-error a field is not a method
    void wallet.currency;
    // @ts-expect-error Actor's own members are not part of the proxy
    void wallet.state;
    // @ts-expect-error the argument must be a number
    void wallet.deposit('5');
    const answer: Promise<number> = wallet.withdraw(1);
    void answer;
  };
  t.is(typeof typeOnly, 'function');
});
