// The quickstart: a Counter actor, hosted by this app and called through a typed proxy.
// Run it with its sidecar:  npx outrigger run --app-id counter -- node examples/counter/app.mjs
// The count lives in the actor's state, so it carries on when you run the app again.
import { Actor, ActorHost } from '@outrigger/sdk';

class Counter extends Actor {
  /** One turn at a time per counter: no lost increments, no locks in sight. */
  async increment(by) {
    const count = (await this.state.getOrDefault('count', 0)) + by;
    this.state.set('count', count); // saved when the turn ends
    return count;
  }
}

const rounds = Number(process.env.ROUNDS ?? 5);

// The type name is explicit, so minifying or renaming the class never changes it.
const host = new ActorHost().register('Counter', Counter);
await host.listen(); // on APP_PORT, which `outrigger run` picks and tells the sidecar
await host.waitUntilHosted();

/** @type {import('@outrigger/sdk').ActorProxy<Counter>} */
const counter = host.client.actor('Counter', 'quickstart');
for (let i = 0; i < rounds; i++) {
  console.log(`count is now ${await counter.increment(1)}`);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
await host.close();
