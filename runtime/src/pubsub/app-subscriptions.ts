import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../errors/index.js';
import type { AppChannel } from '../invoke/index.js';
import type { Logger } from '../logging/index.js';
import { parseProgrammaticSubscriptions, type Subscription } from './subscriptions.js';

/** Dapr's start-up calls to the app: three tries, 500 ms apart and growing. */
const ATTEMPTS = 3;
const FIRST_WAIT_MS = 500;

/**
 * The app's programmatic subscriptions (`GET /dapr/subscribe`). A 404 means none; after the
 * tries run out the sidecar goes on without them, as daprd does, and says why.
 */
export async function fetchAppSubscriptions(channel: AppChannel, logger: Logger): Promise<Subscription[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await channel.call({ verb: 'GET', path: 'dapr/subscribe', query: '', headers: {}, body: Buffer.alloc(0) });
      if (response.status === 404) return [];
      if (response.status !== 200) throw new Error(`the app answered ${response.status}`);
      const { subscriptions, warnings } = parseProgrammaticSubscriptions(JSON.parse(response.body.toString('utf8') || 'null'));
      for (const warning of warnings) logger.error(warning);
      return subscriptions;
    } catch (err) {
      if (attempt >= ATTEMPTS) {
        logger.error({ err: describeError(err) }, 'could not read the subscriptions from GET /dapr/subscribe; running without them');
        return [];
      }
      await sleep(FIRST_WAIT_MS * 2 ** (attempt - 1));
    }
  }
}
