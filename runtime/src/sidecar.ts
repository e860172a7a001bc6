/**
 * The sidecar's composition root: it builds every part in dependency order and hands each its
 * collaborators. Read top to bottom, it is the sidecar's architecture.
 */
import { actorOfHandoff, createActorRuntime, fetchActorAppConfig, statesFromHandoff, type ActorRuntime } from './actors/index.js';

import { startHttpApi, type HttpApi } from './api/http/index.js';
import { systemClock, type Clock } from './clock/index.js';
import {
  closeComponents,
  createBuiltinRegistry,
  loadComponents,
  readComponentManifests,
  type ComponentCategory,
  type ComponentRegistry,
  type LoadedComponent,
} from './components/index.js';
import { defaultResources, readConfigurationFiles, validateSidecarOptions, type RuntimeConfiguration, type SidecarOptions } from './config/index.js';
import { joinCluster, type ClusterMembership } from './cluster/index.js';
import { Readiness } from './health/index.js';
import { AppChannel, createInvokeService } from './invoke/index.js';
import { createLogger, type Logger } from './logging/index.js';
import { createTelemetry, withInvokeMetrics, withPublishMetrics, type Telemetry } from './observability/index.js';
import { MetadataService, type ComponentDescription } from './metadata/index.js';
import { createStateService, type NamedStateStore, type StateStore } from './state/index.js';
import { createSecretsService } from './secrets/index.js';
import { createConfigurationService } from './configuration/index.js';
import { createLockService } from './lock/index.js';
import { createBindingsService, InputDelivery, parseDirections, type NamedInputBinding, type OutputBinding } from './bindings/index.js';
import { createPubSubService, describeSubscription, fetchAppSubscriptions, namedPubSub, readSubscriptionResources, Subscriber } from './pubsub/index.js';
import { readResiliency, withOutboundPolicies, type Resiliency } from './resiliency/index.js';
import { RUNTIME_VERSION } from './version.js';

export interface Sidecar {
  readonly httpPort: number;
  /** Where `GET /metrics` is served; absent when metrics are off. */
  readonly metricsPort: number | undefined;
  readonly logger: Logger;
  /** Resolves when the sidecar asks to stop (`POST /v1.0/shutdown`). */
  readonly shutdownRequested: Promise<void>;
  /**
   * Resolves with the reason when the sidecar cannot go on after start-up (the app declares
   * actor types it cannot host); the process should then stop with an error.
   */
  readonly failed: Promise<Error>;
  /** Stops taking calls, then closes the app channel and the components. Idempotent. */
  close(): Promise<void>;
}

export interface SidecarDependencies {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly registry?: ComponentRegistry;
}

export async function startSidecar(options: SidecarOptions, deps: SidecarDependencies = {}): Promise<Sidecar> {
  validateSidecarOptions(options);
  const logger = deps.logger ?? createLogger({ level: options.logLevel, json: options.logAsJson, appId: options.appId });
  const configuration = await readConfigurationFiles(options.configFiles);
  const telemetry = telemetryOf(options, configuration.observability, logger);

  const clock = deps.clock ?? systemClock;
  const resiliency = await readResiliency(options.resourcesPaths, options.appId, { clock, logger: logger.child({ component: 'resiliency' }) });
  const components = withOutboundPolicies(await loadResources(options, { logger, clock, registry: deps.registry ?? createBuiltinRegistry() }), resiliency);
  const state = createStateService({ appId: options.appId, namespace: options.namespace, stores: stateStoresOf(components) });
  const secrets = createSecretsService({ stores: componentsOf(components, 'secretstores'), scopes: configuration.secretScopes });
  const lock = createLockService({
    appId: options.appId,
    stores: componentsOf(components, 'lock').map((c) => ({ ...c, keyPrefix: c.metadata.string('keyPrefix') })),
  });
  const bindings = createBindingsService({ outputs: outputBindingsOf(components) });

  const appChannel =
    options.appPort === undefined
      ? undefined
      : new AppChannel({ address: options.appChannelAddress, port: options.appPort, timeoutMs: options.appTimeoutMs, apiToken: options.appApiToken });
  const pubsubs = componentsOf(components, 'pubsub').map((c) => ({ ...namedPubSub(c.name, c.store, c.metadata, options.appId), inbound: resiliency.componentInbound(c.name, 'pubsub') }));
  const pubsub = withPublishMetrics(createPubSubService({ appId: options.appId, pubsubs, clock }), telemetry.metrics);
  const onSettled = (name: string, topic: string, outcome: string) => telemetry.metrics?.delivered(name, topic, outcome);
  const subscriber = appChannel && pubsubs.length > 0 ? new Subscriber({ appChannel, pubsubs, clock, logger: logger.child({ component: 'pubsub' }), onSettled }) : undefined;
  const declarativeSubscriptions = subscriber
    ? await readSubscriptionResources(options.resourcesPaths, options.appId).catch(async (err: unknown) => {
        await closeComponents(components, logger);
        throw err;
      })
    : [];
  const configurationApi = createConfigurationService({
    stores: componentsOf(components, 'configuration'),
    appChannel,
    logger: logger.child({ component: 'configuration' }),
  });
  const cluster = await joinCluster({ options, appChannel, logger, tracing: telemetry.tracing, accessControl: configuration.accessControl }).catch(async (err: unknown) => {
    await closeComponents(components, logger);
    throw err;
  });
  const invoke = withInvokeMetrics(
    createInvokeService({
      appId: options.appId,
      namespace: options.namespace,
      appChannel,
      directory: cluster.directory,
      peers: cluster.peers,
      // A margin over the app timeout, so the callee's clearer "did not answer" arrives first.
      timeoutMs: options.appTimeoutMs + 1000,
      resiliency,
    }),
    telemetry.metrics,
  );

  const actors = createActorRuntime({
    selfHostId: cluster.host.hostId,
    appId: options.appId,
    stateStore: actorStateStoreOf(components),
    appChannel,
    owners: cluster.placement,
    peers: cluster.peers,
    clock,
    logger: logger.child({ component: 'actors' }),
    callTimeoutMs: options.appTimeoutMs,
    owns: (actor) => cluster.placement.table.ownerOf(actor.type, actor.id)?.hostId === cluster.host.hostId,
    telemetry: telemetry.actors,
    resiliency,
  });
  observeCluster(telemetry, actors, cluster);
  cluster.serveActors({
    actorCall: (request, _caller, signal) => actors.serveRemote(request, signal),
    timerHandoff: async (request) => {
      actors.timers.adopt(actorOfHandoff(request), statesFromHandoff(request));
      return { status: 204, headers: {}, body: new Uint8Array() };
    },
  });

  const readiness = new Readiness({ appPort: options.appPort, appAddress: options.appChannelAddress });
  const metadata = new MetadataService({
    appId: options.appId,
    runtimeVersion: RUNTIME_VERSION,
    enabledFeatures: configuration.features.filter((f) => f.enabled).map((f) => f.name),
    components: components.map(describeComponent),
    subscriptions: () => subscriber?.list().map(describeSubscription) ?? [],
    app: { port: options.appPort, protocol: options.appProtocol, channelAddress: options.appChannelAddress },
    actorRuntime: () => ({
      hostedTypes: cluster.placement.host.actorTypes,
      activeActors: actors.activeActors(),
      placement: cluster.placement.status,
      tableVersion: cluster.placement.table.version,
      hostReady: readiness.appReady,
    }),
  });

  let requestShutdown!: () => void;
  const shutdownRequested = new Promise<void>((resolve) => (requestShutdown = resolve));
  let fail!: (reason: Error) => void;
  const failed = new Promise<Error>((resolve) => (fail = resolve));
  let api: HttpApi;
  try {
    api = await startHttpApi({
      appId: options.appId,
      apiToken: options.apiToken,
      logger,
      maxBodyBytes: options.maxRequestBodyBytes,
      state,
      pubsub,
      secrets,
      configuration: configurationApi,
      lock,
      bindings,
      actors,
      invoke,
      metadata,
      readiness,
      onShutdown: () => requestShutdown(),
      observer: telemetry.api,
      host: options.listenAddress,
      port: options.httpPort,
    });
  } catch (err) {
    await actors.close();
    await cluster.close();
    await closeComponents(components, logger);
    throw err;
  }
  const metricsPort = await telemetry.serveMetrics();
  readiness.markOutboundReady();
  const inputs = inputBindingDelivery(appChannel, inputBindingsOf(components, resiliency), logger);
  void readiness.waitForApp().then(async () => {
    if (!readiness.appReady || !appChannel) return;
    logger.info({ appPort: options.appPort }, 'app port is open');
    void inputs?.start();
    await registerHostedActorTypes(appChannel, { actors, cluster, stores: components }, logger).catch(fail);
    if (subscriber) await subscriber.start([...declarativeSubscriptions, ...(await fetchAppSubscriptions(appChannel, logger))]);
  });

  let closing: Promise<void> | undefined;
  return {
    httpPort: api.port,
    metricsPort,
    logger,
    shutdownRequested,
    failed,
    close: () =>
      (closing ??= (async () => {
        inputs?.stop();
        readiness.stop();
        await api.close();
        await subscriber?.close();
        await actors.close();
        await cluster.close();
        await configurationApi.close();
        await appChannel?.close();
        await closeComponents(components, logger);
        await telemetry.close();
      })()),
  };
}

function telemetryOf(options: SidecarOptions, configured: RuntimeConfiguration['observability'], logger: Logger): Telemetry {
  return createTelemetry({
    appId: options.appId,
    tracing: configured.tracing,
    metrics: { enabled: options.metricsEnabled && configured.metricsEnabled, port: options.metricsPort, host: options.metricsListenAddress },
    logApiCalls: options.apiLogging ?? configured.apiLogging ?? false,
    logger,
  });
}

/** Table changes are timed from prepare to commit; a prepare hands away the actors that move. */
function observeCluster(telemetry: Telemetry, actors: ActorRuntime, cluster: ClusterMembership): void {
  cluster.placement.onPrepare((move) => {
    telemetry.metrics?.tablePrepared();
    return actors.prepare(move);
  });
  cluster.placement.on('committed', () => telemetry.metrics?.tableCommitted());
  telemetry.metrics?.observeActors({ activeActors: () => actors.activeActors(), queuedCalls: () => actors.queuedCalls() });
  telemetry.metrics?.observeTableVersion(() => cluster.placement.table.version);
}

async function loadResources(
  options: SidecarOptions,
  deps: { logger: Logger; clock: Clock; registry: ComponentRegistry },
): Promise<LoadedComponent[]> {
  const defaults = options.resourcesPaths.length === 0 ? defaultResources(options.home) : undefined;
  const paths = defaults?.paths ?? options.resourcesPaths;
  const manifests = [...(defaults?.manifests ?? []), ...(await readComponentManifests(paths))];
  const context = { appId: options.appId, namespace: options.namespace, logger: deps.logger, clock: deps.clock };
  return loadComponents(manifests, { registry: deps.registry, context, logger: deps.logger });
}

/**
 * Reads the app's actor types from `GET /dapr/config`, starts hosting them and registers them
 * with the placement. Hosting needs a state store marked `actorStateStore: "true"`: without one
 * it rejects, because a sidecar that silently hosts nothing leaves every call to those types
 * failing far from the cause.
 */
async function registerHostedActorTypes(
  appChannel: AppChannel,
  parts: { actors: ActorRuntime; cluster: ClusterMembership; stores: readonly LoadedComponent[] },
  logger: Logger,
): Promise<void> {
  let config;
  try {
    config = await fetchActorAppConfig(appChannel);
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'could not read the actor configuration from GET /dapr/config');
    return;
  }
  for (const warning of config.warnings) logger.warn(warning);
  if (config.types.size === 0) return;
  const types = [...config.types.keys()];
  if (!actorStateStoreOf(parts.stores)) {
    throw new Error(
      `the app declares actor types (${types.join(', ')}), but no state store is marked actorStateStore: "true"; add that metadata to one state store component that has etags and transactions`,
    );
  }
  parts.actors.host(config);
  parts.cluster.placement.setActorTypes(types);
  logger.info({ actorTypes: types }, 'hosting actor types');
}

/** The state store marked `actorStateStore: "true"`; it must have etags and transactions. */
function actorStateStoreOf(components: readonly LoadedComponent[]): StateStore | undefined {
  const marked = components.find((c): c is LoadedComponent<'state'> => c.category === 'state' && c.metadata.bool('actorStateStore', false));
  return marked?.instance;
}

function stateStoresOf(components: readonly LoadedComponent[]): NamedStateStore[] {
  return components
    .filter((c): c is LoadedComponent<'state'> => c.category === 'state')
    .map((c) => ({ name: c.manifest.name, store: c.instance, keyPrefix: c.metadata.string('keyPrefix') }));
}

/** What starts the input bindings once the app port is open; without an app nobody takes their events. */
function inputBindingDelivery(appChannel: AppChannel | undefined, inputs: NamedInputBinding[], logger: Logger) {
  if (inputs.length === 0) return undefined;
  if (!appChannel) {
    logger.warn({ bindings: inputs.map((i) => i.name) }, 'input bindings are not read: the sidecar has no app (start it with --app-port)');
    return undefined;
  }
  const delivery = new InputDelivery({ appChannel, logger: logger.child({ component: 'bindings' }) });
  return { start: () => delivery.start(inputs), stop: () => delivery.stop() };
}

function inputBindingsOf(components: readonly LoadedComponent[], resiliency: Resiliency): NamedInputBinding[] {
  return components.flatMap((c) => {
    const input = c.category === 'bindings' ? (c as LoadedComponent<'bindings'>).instance.input : undefined;
    if (!input) return [];
    const declared = parseDirections(c.metadata.string('direction')).declaredInput;
    const inbound = resiliency.componentInbound(c.manifest.name, 'bindings');
    return [{ name: c.manifest.name, route: c.metadata.string('route') ?? c.manifest.name, binding: input, declared, inbound }];
  });
}

function outputBindingsOf(components: readonly LoadedComponent[]): Map<string, OutputBinding> {
  const outputs = new Map<string, OutputBinding>();
  for (const c of components) {
    const output = c.category === 'bindings' ? (c as LoadedComponent<'bindings'>).instance.output : undefined;
    if (output) outputs.set(c.manifest.name, output);
  }
  return outputs;
}

/** The loaded components of one category, by name, for the building blocks' services. */
function componentsOf<C extends ComponentCategory>(components: readonly LoadedComponent[], category: C) {
  return components
    .filter((c): c is LoadedComponent<C> => c.category === category)
    .map((c) => ({ name: c.manifest.name, store: c.instance, metadata: c.metadata }));
}

function describeComponent(component: LoadedComponent): ComponentDescription {
  const features: string[] = [...component.instance.features];
  if (features.includes('ETAG') && features.includes('TRANSACTIONAL')) features.push('ACTOR');
  return { name: component.manifest.name, type: component.manifest.type, version: component.manifest.version, capabilities: features };
}
