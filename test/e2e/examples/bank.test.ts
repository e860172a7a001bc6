/**
 * examples/bank: transfers between account actors through journaled transfer actors, on three
 * instances of one app; one instance is killed with kill -9 during the transfers and no money
 * is lost or made. Interest comes from reminders.
 */
import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { startPlacementProcess } from '../../harness/placement.js';
import { ActorError, OutriggerError, type OutriggerClient } from '../../../sdk/src/index.js';
import { bankOf, type AccountApi, type TransferApi } from './bank-cluster.js';

const ACCOUNTS = Array.from({ length: 6 }, (_, i) => `acct-${i}`);
const OPENING = 1000;

/** Runs a transfer to its end, retrying the same transfer id while hosts fail over. */
async function transfer(clients: () => OutriggerClient[], id: string, from: string, to: string, amount: number): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (let attempt = 0; ; attempt++) {
    const candidates = clients();
    const client = candidates[attempt % candidates.length]!;
    try {
      return await client.actor<TransferApi>('Transfer', id).execute(from, to, amount);
    } catch (err) {
      if (err instanceof ActorError && err.name === 'InsufficientFundsError') return 'rejected';
      if (!(err instanceof OutriggerError) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function total(client: OutriggerClient): Promise<number> {
  const balances = await Promise.all(ACCOUNTS.map((id) => client.actor<AccountApi>('Account', id).balance()));
  return balances.reduce((sum, b) => sum + b, 0);
}

test('money is conserved when one of three instances is killed with kill -9 during transfers', async (t) => {
  const placement = await startPlacementProcess(t, ['--host-timeout', '1s']);
  const bank = await bankOf(t, { placement: placement.address, env: { RESUME_PERIOD_MS: '500' } });
  const instances = [await bank.startInstance(), await bank.startInstance(), await bank.startInstance()];
  const [first, second, victim] = instances as [typeof instances[0], typeof instances[0], typeof instances[0]];
  await waitUntil('every instance hosts the bank', async () => {
    const hosted = await Promise.all(instances.map((i) => i.client.metadata.get().then((m) => m.actors.length === 2, () => false)));
    return hosted.every(Boolean);
  }, { timeoutMs: 30_000 });
  for (const id of ACCOUNTS) await first.client.actor<AccountApi>('Account', id).open(OPENING);

  let crashed = false;
  const survivors = () => (crashed ? [first.client, second.client] : [first.client, second.client, victim.client]);
  const outcomes: string[] = [];
  const worker = async (w: number) => {
    for (let n = 0; n < 10; n++) {
      const from = ACCOUNTS[(w + n) % ACCOUNTS.length]!;
      const to = ACCOUNTS[(w + 2 * n + 1) % ACCOUNTS.length]!;
      if (from === to) continue;
      outcomes.push(await transfer(survivors, `${bank.appId}-t-${w}-${n}`, from, to, 50 + ((w * 37 + n * 91) % 400)));
    }
  };
  const running = Promise.all([0, 1, 2, 3].map(worker));
  await waitUntil('some transfers are done', () => outcomes.length >= 6, { timeoutMs: 60_000 });
  crashed = true;
  await victim.crash();
  await running;

  t.true(outcomes.filter((o) => o === 'completed').length > 0, outcomes.join(','));
  t.is(await total(first.client), ACCOUNTS.length * OPENING);
  t.is(await total(second.client), ACCOUNTS.length * OPENING, 'every account answers from either survivor');
});

test('a transfer the account cannot cover is rejected with InsufficientFundsError, and retrying it moves nothing', async (t) => {
  const bank = await bankOf(t);
  const { client } = await bank.startInstance();
  await waitUntil('the bank is hosted', () => client.metadata.get().then((m) => m.actors.length === 2, () => false), { timeoutMs: 30_000 });
  const [poor, rich] = [client.actor<AccountApi>('Account', 'poor'), client.actor<AccountApi>('Account', 'rich')];
  await poor.open(10);
  await rich.open(500);
  const tooMuch = client.actor<TransferApi>('Transfer', 'too-much');
  const error = await t.throwsAsync(tooMuch.execute('poor', 'rich', 11), { instanceOf: ActorError });
  t.is(error.name, 'InsufficientFundsError');
  await rich.open(500);
  const fine = client.actor<TransferApi>('Transfer', 'fine');
  t.is(await fine.execute('rich', 'poor', 100), 'completed');
  t.is(await fine.execute('rich', 'poor', 100), 'completed', 'the same transfer again is the same transfer');
  t.deepEqual([await poor.balance(), await rich.balance()], [110, 400]);
  await t.throwsAsync(tooMuch.execute('poor', 'rich', 11), { name: 'InsufficientFundsError' });
});

test('monthly interest is paid by a reminder, compounding', async (t) => {
  const bank = await bankOf(t, { env: { INTEREST_PERIOD_MS: '1000', INTEREST_RATE: '0.1' } });
  const { client } = await bank.startInstance();
  await waitUntil('the bank is hosted', () => client.metadata.get().then((m) => m.actors.length === 2, () => false), { timeoutMs: 30_000 });
  const saver = client.actor<AccountApi>('Account', 'saver');
  await saver.open(1000);
  let balance = 1000;
  await waitUntil('interest was paid twice', async () => (balance = await saver.balance()) >= 1210, { timeoutMs: 30_000 });
  t.true([1210, 1331, 1464, 1610].includes(balance), `compound interest on 1000 at 10%, got ${balance}`);
});
