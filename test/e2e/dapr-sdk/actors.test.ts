/**
 * An actor app written with the official Dapr JS SDK (@dapr/dapr, HTTP): DaprServer hosts an
 * AbstractActor, ActorProxyBuilder calls it; state goes through the SDK's state manager.
 */
import test from 'ava';
import { AbstractActor, ActorId, ActorProxyBuilder, CommunicationProtocolEnum, DaprClient, DaprServer, LogLevel } from '@dapr/dapr';
import { uniqueId } from '../../harness/ids.js';
import { freePortForTest } from '../../harness/ports.js';
import { startSidecar } from '../../harness/sidecar.js';
import { waitUntil } from '../../harness/eventually.js';

interface Counter {
  increment(by: number): Promise<number>;
  current(): Promise<number>;
}

class CounterActor extends AbstractActor implements Counter {
  async increment(by: number): Promise<number> {
    const state = this.getStateManager<number>();
    const [exists, count] = await state.tryGetState('count');
    const next = (exists && typeof count === 'number' ? count : 0) + by;
    await state.setState('count', next);
    await state.saveState();
    return next;
  }

  async current(): Promise<number> {
    const [exists, count] = await this.getStateManager<number>().tryGetState('count');
    return exists && typeof count === 'number' ? count : 0;
  }
}

test('a DaprServer actor app runs unchanged: proxy calls, turns and state', async (t) => {
  const appPort = await freePortForTest();
  const sidecar = await startSidecar(t, { appId: uniqueId('sdk-actors'), appPort });
  const clientOptions = { daprHost: '127.0.0.1', daprPort: String(sidecar.port), communicationProtocol: CommunicationProtocolEnum.HTTP, logger: { level: LogLevel.Error } };
  const server = new DaprServer({ serverHost: '127.0.0.1', serverPort: String(appPort), communicationProtocol: CommunicationProtocolEnum.HTTP, clientOptions, logger: { level: LogLevel.Error } });
  await server.actor.init();
  server.actor.registerActor(CounterActor);
  await server.start();
  t.teardown(() => server.stop());

  const client = new DaprClient(clientOptions);
  t.teardown(() => client.stop());
  await waitUntil('the sidecar hosts CounterActor', async () => {
    const metadata = await client.metadata.get();
    return metadata.actors.some((a) => a.type === 'CounterActor');
  });

  const counter = new ActorProxyBuilder<Counter>(CounterActor, client).build(new ActorId('c-1'));
  t.is(await counter.increment(2), 2);
  t.is(await counter.increment(3), 5);
  const results = await Promise.all(Array.from({ length: 10 }, () => counter.increment(1)));
  t.deepEqual([...results].sort((a, b) => a - b), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 'turns serialize the read-modify-write');
  t.is(await counter.current(), 15);
  const other = new ActorProxyBuilder<Counter>(CounterActor, client).build(new ActorId('c-2'));
  t.is(await other.current(), 0, 'each actor has its own state');
});
