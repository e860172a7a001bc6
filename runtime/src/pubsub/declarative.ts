import { readFile } from 'node:fs/promises';
import { listResourceFiles } from '../components/index.js';
import { parseDeclarativeSubscriptions, type Subscription } from './subscriptions.js';

/** Every Subscription resource in the resources folders that applies to `appId`. */
export async function readSubscriptionResources(paths: readonly string[], appId: string): Promise<Subscription[]> {
  const subscriptions: Subscription[] = [];
  for (const dir of paths) {
    for (const file of await listResourceFiles(dir)) {
      subscriptions.push(...parseDeclarativeSubscriptions(await readFile(file, 'utf8'), file, appId));
    }
  }
  return subscriptions;
}
