/**
 * The Actor base class through a real sidecar: onActivate once per activation, onDeactivate
 * when idle, timers calling a named method, reminders reaching receiveReminder.
 */
import test from 'ava';
import { startHostedActors } from '../../harness/actor-host.js';
import { waitUntil } from '../../harness/eventually.js';
import { uniqueId } from '../../harness/ids.js';
import { Actor, type ActorHost, type ReminderFire } from '../../../sdk/src/index.js';

const events: string[] = [];
const reminders: Array<{ actor: string; name: string; data: unknown; fire: ReminderFire }> = [];

class Clock extends Actor {
  override onActivate(): void {
    events.push(`activate ${this.id}`);
  }

  override onDeactivate(): void {
    events.push(`deactivate ${this.id}`);
  }

  async startTicking(step: number): Promise<void> {
    await this.registerTimer('tick', { callback: 'tick', dueTime: 0, period: 100, data: { step } });
  }

  async stopTicking(): Promise<void> {
    await this.unregisterTimer('tick');
  }

  async tick(data: { step: number }): Promise<void> {
    this.state.set('count', (await this.state.getOrDefault('count', 0)) + data.step);
  }

  count(): Promise<number> {
    return this.state.getOrDefault('count', 0);
  }

  async setAlarm(data: unknown): Promise<void> {
    await this.registerReminder('alarm', { dueTime: '0s', period: '200ms', data });
  }

  async cancelAlarm(): Promise<void> {
    await this.unregisterReminder('alarm');
  }

  async timerToNowhere(): Promise<void> {
    await this.registerTimer('bad', { callback: 'noSuchMethod', dueTime: 0 });
  }

  override receiveReminder(name: string, data: unknown, fire: ReminderFire): void {
    reminders.push({ actor: this.id, name, data, fire });
  }

  ping(): string {
    return 'pong';
  }
}

const register = (host: ActorHost) => host.register('Clock', Clock).register('Sleepy', Clock, { idleTimeout: '1s' });

test('onActivate runs once before the first turn; onDeactivate runs when the actor has been idle', async (t) => {
  const { client } = await startHostedActors(t, register);
  const id = uniqueId('sleepy');
  const sleepy = client.actor<Clock>('Sleepy', id);
  t.is(await sleepy.ping(), 'pong');
  t.is(await sleepy.ping(), 'pong');
  t.deepEqual(events.filter((e) => e.endsWith(id)), [`activate ${id}`]);
  await waitUntil('the idle actor is deactivated', () => events.includes(`deactivate ${id}`), { timeoutMs: 20_000 });
  await sleepy.ping();
  t.deepEqual(events.filter((e) => e.endsWith(id)), [`activate ${id}`, `deactivate ${id}`, `activate ${id}`]);
});

test('a timer calls the named method with its data, in a turn whose state is saved', async (t) => {
  const { client } = await startHostedActors(t, register);
  const clock = client.actor<Clock>('Clock', uniqueId('clock'));
  await clock.startTicking(5);
  await waitUntil('the timer ticked three times', async () => (await clock.count()) >= 15, { timeoutMs: 20_000 });
  await clock.stopTicking();
  const stopped = await clock.count();
  t.is(stopped % 5, 0);
});

test('registering a timer whose callback is not a method fails in the actor, not later', async (t) => {
  const { client } = await startHostedActors(t, register);
  const error = await t.throwsAsync(client.actor<Clock>('Clock', uniqueId('clock')).timerToNowhere());
  t.is(error.name, 'TypeError');
  t.regex(error.message, /no method noSuchMethod/);
});

test('a reminder reaches receiveReminder with its name, data and schedule and can be unregistered from inside the actor', async (t) => {
  const { client } = await startHostedActors(t, register);
  const id = uniqueId('alarm');
  const clock = client.actor<Clock>('Clock', id);
  await clock.setAlarm({ room: 7 });
  await waitUntil('the reminder fired twice', () => reminders.filter((r) => r.actor === id).length >= 2, { timeoutMs: 20_000 });
  t.deepEqual(reminders.find((r) => r.actor === id), { actor: id, name: 'alarm', data: { room: 7 }, fire: { dueTime: '0s', period: '200ms' } });
  await clock.cancelAlarm();
});
