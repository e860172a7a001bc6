import { AppUnreachableError, type AppChannel } from '../invoke/index.js';
import type { Logger } from '../logging/index.js';
import type { Policy } from '../resiliency/index.js';
import type { BindingEvent, InputBinding } from './binding.js';
import { headerSafe } from './headers.js';

/** An input binding as the sidecar starts it. */
export interface NamedInputBinding {
  readonly name: string;
  /** Where events go on the app: the `route` metadata, or the component name. */
  readonly route: string;
  readonly binding: InputBinding;
  /** `direction` names `input`: deliver without asking the app first. */
  readonly declared: boolean;
  /** The component's inbound resiliency policy: each event is retried to the app under it. */
  readonly inbound?: Policy | undefined;
}

export interface InputDeliveryOptions {
  readonly appChannel: AppChannel;
  readonly logger: Logger;
  /** How long the app has to answer the `OPTIONS` probe (daprd's --app-binding-options-timeout). */
  readonly probeTimeoutMs?: number;
}

/** The app answered an event with a status other than 2xx. */
export class EventRefusedError extends Error {
  override readonly name = 'EventRefusedError';
  constructor(
    readonly status: number,
    body: Buffer,
  ) {
    super(`the app answered the binding event with status ${status}: ${body.toString('utf8').slice(0, 200)}`);
  }
}

/**
 * Delivers input binding events to the app, Dapr's way: unless `direction` declares the input,
 * `OPTIONS /{route}` first asks whether the app wants it (2xx or 405: yes); then every event is
 * `POST /{route}` with the payload as the body and the event's metadata as headers. Any 2xx
 * acknowledges the event; anything else, or no answer, fails it back to the component — after
 * the retries of the component's inbound resiliency policy, when it has one.
 */
export class InputDelivery {
  readonly #options: InputDeliveryOptions;
  #stopped = false;

  constructor(options: InputDeliveryOptions) {
    this.#options = options;
  }

  /** Starts each binding in turn; one that cannot start is logged and the others still start. */
  async start(bindings: readonly NamedInputBinding[]): Promise<void> {
    for (const input of bindings) {
      if (this.#stopped) return;
      try {
        await this.#startOne(input);
      } catch (err) {
        this.#options.logger.error({ binding: input.name, err: (err as Error).message }, 'error reading from input binding');
      }
    }
  }

  /** No event is delivered after this; those that arrive fail back to their component. */
  stop(): void {
    this.#stopped = true;
  }

  async #startOne(input: NamedInputBinding): Promise<void> {
    if (!input.declared && !(await this.#appWants(input.route))) {
      this.#options.logger.info({ binding: input.name, route: input.route }, 'app has not subscribed to binding');
      return;
    }
    const { inbound } = input;
    await input.binding.start((event) => (inbound ? inbound.run(() => this.#deliver(input.route, event)) : this.#deliver(input.route, event)));
    this.#options.logger.info({ binding: input.name, route: input.route }, 'delivering input binding events to the app');
  }

  async #appWants(route: string): Promise<boolean> {
    const timeoutMs = this.#options.probeTimeoutMs ?? 3000;
    try {
      const response = await this.#options.appChannel.call({
        verb: 'OPTIONS',
        path: trimSlash(route),
        query: '',
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(0),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return Math.floor(response.status / 100) === 2 || response.status === 405;
    } catch (err) {
      if (!(err instanceof AppUnreachableError)) throw err;
      throw new Error(`could not invoke OPTIONS method on input binding subscription endpoint "${route}": ${err.message}`);
    }
  }

  async #deliver(route: string, event: BindingEvent): Promise<Buffer> {
    if (this.#stopped) throw new Error('the sidecar is shutting down');
    const response = await this.#options.appChannel.call({
      verb: 'POST',
      path: trimSlash(route),
      query: '',
      headers: { ...headerSafe(event.metadata), 'content-type': 'application/json' },
      body: event.data,
    });
    if (response.status < 200 || response.status > 299) throw new EventRefusedError(response.status, response.body);
    return response.body;
  }
}

function trimSlash(route: string): string {
  return route.replace(/^\/+/, '');
}
