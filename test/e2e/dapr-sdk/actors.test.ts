/**
 * An actor app written with the official Dapr JS SDK (@dapr/dapr, HTTP): DaprServer hosts an
 * AbstractActor, ActorProxyBuilder calls it; state goes through the SDK's state manager.
 */
import anyTest, { type TestFn } from 'ava';
import { Cleanup } from '../../harness/cleanup.js';
import { AbstractActor, ActorId, ActorProxyBuilder, CommunicationProtocolEnum, DaprClient, DaprServer, LogLevel, Temporal } from '@dapr/dapr';
import { uniqueId } from '../../harness/ids.js';
import { freePortForTest } from '../../harness/ports.js';
import { startSidecar } from '../../harness/sidecar.js';
import { waitUntil } from '../../harness/eventually.js';

interface Counter {
  increment(by: number): Promise<number>;
  current(): Promise<number>;
  startTicking(): Promise<void>;
  stopTicking(): Promise<void>;
  arm(): Promise<void>;
  disarm(): Promise<void>;
  counts(): Promise<{ ticks: number; reminded: number; lastReminderData: unknown }>;
}

const every = (ms: number) => Temporal.Duration.from({ milliseconds: ms });

class CounterActor extends AbstractActor implements Counter {
  async increment(by: number): Promise<number> {
    const state = this.getStateManager<number>();
    const [exists, count] = await state.tryGetState('count');
    const next = (exists && typeof count === 'number' ? count : 0) + by;
    await state.setState('count', next);
    await state.saveState();
    return next;
  }

  async startTicking(): Promise<void> {
    // A string: the SDK turns an object's `data` into "[object Object]" on the way back (its bug,
    // on daprd too), so apps written with it pass strings.
    await this.registerActorTimer('tick', 'onTick', every(0), every(100), undefined, 'tock');
  }

  async stopTicking(): Promise<void> {
    await this.unregisterActorTimer('tick');
  }

  async onTick(data: string): Promise<void> {
    if (data === 'tock') await this.bump('ticks', 1);
  }

  async arm(): Promise<void> {
    await this.registerActorReminder('alarm', every(0), every(200), undefined, 'wake up');
  }

  async disarm(): Promise<void> {
    await this.unregisterActorReminder('alarm');
  }

  override async receiveReminder(data: string): Promise<void> {
    await this.bump('reminded', 1);
    await this.getStateManager<unknown>().setState('lastReminderData', data);
    await this.getStateManager().saveState();
  }

  async counts(): Promise<{ ticks: number; reminded: number; lastReminderData: unknown }> {
    const state = this.getStateManager<unknown>();
    const read = async (key: string) => (await state.tryGetState(key))[1];
    return { ticks: ((await read('ticks')) as number) ?? 0, reminded: ((await read('reminded')) as number) ?? 0, lastReminderData: await read('lastReminderData') };
  }

  private async bump(key: string, by: number): Promise<void> {
    const state = this.getStateManager<number>();
    const [exists, value] = await state.tryGetState(key);
    await state.setState(key, (exists && typeof value === 'number' ? value : 0) + by);
    await state.saveState();
  }

  async current(): Promise<number> {
    const [exists, count] = await this.getStateManager<number>().tryGetState('count');
    return exists && typeof count === 'number' ? count : 0;
  }
}

/** One app server for the file: the SDK's actor runtime is a process-wide singleton bound to its first client. */
const test = anyTest as TestFn<{ client: DaprClient }>;
const cleanup = new Cleanup();

test.before(async (t) => {
  const appPort = await freePortForTest();
  const sidecar = await startSidecar(cleanup, { appId: uniqueId('sdk-actors'), appPort });
  const clientOptions = { daprHost: '127.0.0.1', daprPort: String(sidecar.port), communicationProtocol: CommunicationProtocolEnum.HTTP, logger: { level: LogLevel.Error } };
  const server = new DaprServer({ serverHost: '127.0.0.1', serverPort: String(appPort), communicationProtocol: CommunicationProtocolEnum.HTTP, clientOptions, logger: { level: LogLevel.Error } });
  await server.actor.init();
  server.actor.registerActor(CounterActor);
  await server.start();
  cleanup.teardown(() => server.stop());
  const client = new DaprClient(clientOptions);
  cleanup.teardown(() => client.stop());
  await waitUntil('the sidecar hosts CounterActor', async () => (await client.metadata.get()).actors.some((a) => a.type === 'CounterActor'));
  t.context = { client };
});
test.after.always(() => cleanup.run());

test('a DaprServer actor app runs unchanged: proxy calls, turns and state', async (t) => {
  const { client } = t.context;
  const counter = new ActorProxyBuilder<Counter>(CounterActor, client).build(new ActorId('c-1'));
  t.is(await counter.increment(2), 2);
  t.is(await counter.increment(3), 5);
  const results = await Promise.all(Array.from({ length: 10 }, () => counter.increment(1)));
  t.deepEqual([...results].sort((a, b) => a - b), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 'turns serialize the read-modify-write');
  t.is(await counter.current(), 15);
  const other = new ActorProxyBuilder<Counter>(CounterActor, client).build(new ActorId('c-2'));
  t.is(await other.current(), 0, 'each actor has its own state');
});

test('a DaprServer actor app runs unchanged: timers and reminders registered through the SDK fire', async (t) => {
  const { client } = t.context;
  const actor = new ActorProxyBuilder<Counter>(CounterActor, client).build(new ActorId('timed'));
  await actor.startTicking();
  await actor.arm();
  await waitUntil('the timer and the reminder fired', async () => {
    const { ticks, reminded } = await actor.counts();
    return ticks >= 2 && reminded >= 2;
  });
  t.is((await actor.counts()).lastReminderData, 'wake up');
  await actor.stopTicking();
  await actor.disarm();
});
