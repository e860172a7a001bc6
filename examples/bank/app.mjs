// A bank of accounts as actors. Each transfer is an actor of its own that journals its steps,
// so a transfer interrupted by a crashed host finishes later, exactly once. See README.md.
// Run: npx outrigger run --app-id bank --resources-path examples/bank/components -- node examples/bank/app.mjs
import { Actor, ActorHost } from '@outrigger/sdk';

const RESUME_PERIOD_MS = Number(process.env.RESUME_PERIOD_MS ?? 1000);
/** Interest is paid every INTEREST_PERIOD_MS (none unless set) at INTEREST_RATE. */
const INTEREST_PERIOD_MS = Number(process.env.INTEREST_PERIOD_MS ?? 0);
const INTEREST_RATE = Number(process.env.INTEREST_RATE ?? 0.01);

class InsufficientFundsError extends Error {
  name = 'InsufficientFundsError';
}

class Account extends Actor {
  /** Opens the account once; opening it again changes nothing and answers the balance. */
  async open(initialBalance) {
    if (await this.state.has('balance')) return this.state.get('balance');
    this.state.set('balance', initialBalance);
    if (INTEREST_PERIOD_MS > 0) await this.registerReminder('interest', { dueTime: INTEREST_PERIOD_MS, period: INTEREST_PERIOD_MS });
    return initialBalance;
  }

  balance() {
    return this.state.getOrDefault('balance', 0);
  }

  /**
   * Takes the money for transfer `transferId`, once. The amount comes from the transfer's own
   * journal (a call back into the transfer actor, re-entering its chain), not from the caller.
   */
  async withdraw(transferId) {
    const outcomes = await this.state.getOrDefault('withdrawals', {});
    if (outcomes[transferId]) return outcomes[transferId];
    const { from, amount } = await this.actor('Transfer', transferId).describe();
    if (from !== this.id) throw new Error(`transfer ${transferId} does not take from ${this.id}`);
    const balance = await this.balance();
    const outcome = amount <= balance ? 'withdrawn' : 'insufficient';
    if (outcome === 'withdrawn') this.state.set('balance', balance - amount);
    this.state.set('withdrawals', { ...outcomes, [transferId]: outcome });
    return outcome;
  }

  /** Credits the money of transfer `transferId`, once. */
  async deposit(transferId) {
    const deposits = await this.state.getOrDefault('deposits', {});
    if (deposits[transferId]) return 'deposited';
    const { to, amount } = await this.actor('Transfer', transferId).describe();
    if (to !== this.id) throw new Error(`transfer ${transferId} does not pay ${this.id}`);
    this.state.set('balance', (await this.balance()) + amount);
    this.state.set('deposits', { ...deposits, [transferId]: true });
    return 'deposited';
  }

  async receiveReminder(name) {
    if (name !== 'interest') return;
    // A reminder fires at least once: a second fire within the same period pays nothing.
    const paidAt = await this.state.getOrDefault('interestPaidAt', 0);
    if (Date.now() - paidAt < INTEREST_PERIOD_MS / 2) return;
    const balance = await this.balance();
    this.state.set('balance', balance + Math.floor(balance * INTEREST_RATE));
    this.state.set('interestPaidAt', Date.now());
  }
}

/** One transfer, journaled: withdrawing → depositing → completed, or rejected. */
class Transfer extends Actor {
  /** Starts the transfer, or carries on with it: calling it again with the same id is safe. */
  async execute(from, to, amount) {
    if (!(Number.isInteger(amount) && amount > 0)) throw new RangeError(`amount must be a positive integer, got ${amount}`);
    if (from === to) throw new RangeError('a transfer needs two different accounts');
    if (!(await this.state.has('journal'))) {
      this.state.set('journal', { from, to, amount, step: 'withdrawing' });
      // Persisted before any money moves: if this host dies, the reminder resumes elsewhere.
      await this.registerReminder('resume', { dueTime: RESUME_PERIOD_MS, period: RESUME_PERIOD_MS });
      await this.state.save();
    }
    return this.resume();
  }

  async describe() {
    const journal = await this.state.get('journal');
    if (!journal) throw new Error(`no transfer ${this.id}`);
    return journal;
  }

  /** Runs the steps left; each account step is idempotent, so repeating one is harmless. */
  async resume() {
    const journal = await this.describe();
    if (journal.step === 'withdrawing') {
      const outcome = await this.actor('Account', journal.from).withdraw(this.id);
      await this.#record(journal, outcome === 'withdrawn' ? 'depositing' : 'rejected');
    }
    if (journal.step === 'depositing') {
      await this.actor('Account', journal.to).deposit(this.id);
      await this.#record(journal, 'completed');
    }
    if (journal.step === 'rejected') throw new InsufficientFundsError(`${journal.from} cannot pay ${journal.amount}`);
    return journal.step;
  }

  async #record(journal, step) {
    journal.step = step;
    this.state.set('journal', journal);
    if (step === 'completed' || step === 'rejected') await this.unregisterReminder('resume');
    await this.state.save();
  }

  /**
   * The reminder only kicks off `resume` as a call of its own, after this turn: a reminder
   * turn carries no call chain, so the accounts' calls back would wait for it.
   */
  async receiveReminder(name) {
    if (name !== 'resume') return;
    const self = this.actor('Transfer', this.id);
    setImmediate(() => self.resume().catch(() => undefined)); // the next fire tries again
  }
}

const host = new ActorHost()
  .register('Account', Account)
  .register('Transfer', Transfer, { reentrancy: { enabled: true, maxStackDepth: 4 } });
const port = await host.listen();
console.log(`bank: hosting Account and Transfer on port ${port}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void host.close().then(() => process.exit(0)));
