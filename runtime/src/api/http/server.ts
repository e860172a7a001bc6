import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import Koa from 'koa';
import type { ActorRuntime } from '../../actors/index.js';
import type { Readiness } from '../../health/index.js';
import type { InvokeService } from '../../invoke/index.js';
import type { Logger } from '../../logging/index.js';
import type { MetadataService } from '../../metadata/index.js';
import type { StateService } from '../../state/index.js';
import type { PubSubService } from '../../pubsub/index.js';
import type { SecretsService } from '../../secrets/index.js';
import type { ConfigurationService } from '../../configuration/index.js';
import type { LockService } from '../../lock/index.js';
import type { BindingsService } from '../../bindings/index.js';
import { errorResponses } from './errors.js';
import { cleanPaths } from './paths.js';
import { healthRoutes } from './routes/health.js';
import { invocation } from './routes/invoke.js';
import { metadataRoutes } from './routes/metadata.js';
import { shutdownRoutes } from './routes/shutdown.js';
import { stateRoutes } from './routes/state.js';
import { pubsubRoutes } from './routes/pubsub.js';
import { secretsRoutes } from './routes/secrets.js';
import { configurationRoutes } from './routes/configuration.js';
import { lockRoutes } from './routes/lock.js';
import { bindingRoutes } from './routes/bindings.js';
import { actorMethodRoute, actorRoutes } from './routes/actors.js';
import { serveRequests } from './raw-routes.js';
import { routeNames } from './route-names.js';
import type { ApiObserver } from '../../observability/index.js';
import { apiTokenGuard } from '../../security/index.js';
import { actorTimerRoutes } from './routes/actor-timers.js';
import { actorReminderRoutes } from './routes/actor-reminders.js';

export interface HttpApiOptions {
  readonly appId: string;
  /** `DAPR_API_TOKEN`: when set, every call but the health checks must carry it. */
  readonly apiToken?: string | undefined;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  readonly state: StateService;
  readonly pubsub: PubSubService;
  readonly secrets: SecretsService;
  readonly configuration: ConfigurationService;
  readonly lock: LockService;
  readonly bindings: BindingsService;
  readonly actors: ActorRuntime;
  readonly invoke: InvokeService;
  readonly metadata: MetadataService;
  readonly readiness: Readiness;
  readonly onShutdown: () => void;
  /** Spans, metrics and API logging of every call. */
  readonly observer?: ApiObserver | undefined;
}

export interface HttpApi {
  /** The port it listens on (useful when asked for port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Builds the Koa app: one error exit, path cleaning, the routes, then invocation. */
export function createHttpApp(options: HttpApiOptions): Koa {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  healthRoutes(router, options);
  metadataRoutes(router, options);
  stateRoutes(router, options);
  pubsubRoutes(router, options);
  secretsRoutes(router, options);
  configurationRoutes(router, options);
  lockRoutes(router, options);
  bindingRoutes(router, options);
  actorRoutes(router, options);
  actorReminderRoutes(router, { reminders: options.actors.reminders, canHost: (actor) => options.actors.canHost(actor), maxBodyBytes: options.maxBodyBytes });
  actorTimerRoutes(router, { timers: options.actors.timers, canHost: (actor) => options.actors.canHost(actor), maxBodyBytes: options.maxBodyBytes });
  shutdownRoutes(router, options);
  if (options.observer) app.use(routeNames(options.observer));
  app.use(errorResponses(options.logger, options.observer));
  app.use(cleanPaths());
  app.use(router.routes());
  app.use(invocation(options));
  return app;
}

/** Listens on `host:port` (port 0 picks a free one). */
export async function startHttpApi(options: HttpApiOptions & { host: string; port: number }): Promise<HttpApi> {
  const app = createHttpApp(options);
  const guards = options.apiToken ? [apiTokenGuard(options.apiToken)] : [];
  const listener = serveRequests({ guards, routes: [actorMethodRoute(options)], fallback: app.callback(), logger: options.logger, observer: options.observer });
  const server: Server = createServer(listener);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
