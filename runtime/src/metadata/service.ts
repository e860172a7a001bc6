
export interface ComponentDescription {
  readonly name: string;
  readonly type: string;
  readonly version: string;
  readonly capabilities: readonly string[];
}

/** What the actor runtime and the cluster report, read at each request. */
export interface ActorRuntimeReport {
  readonly hostedTypes: readonly string[];
  /** Active actors per type. */
  readonly activeActors: ReadonlyMap<string, number>;
  readonly placement: 'connecting' | 'connected' | 'disconnected' | 'closed';
  readonly tableVersion: number;
  readonly hostReady: boolean;
}

export interface MetadataServiceOptions {
  readonly appId: string;
  readonly runtimeVersion: string;
  readonly enabledFeatures: readonly string[];
  readonly components: readonly ComponentDescription[];
  readonly app: { readonly port?: number | undefined; readonly protocol: string; readonly channelAddress: string };
  readonly actorRuntime?: () => ActorRuntimeReport;
  /** The running pub/sub subscriptions, in Dapr's shape; read at each request. */
  readonly subscriptions?: () => readonly Record<string, unknown>[];
}

/** The body of `GET /v1.0/metadata`, in Dapr's field names; empty fields are left out. */
export interface MetadataDocument {
  id: string;
  runtimeVersion: string;
  enabledFeatures: readonly string[];
  actors: readonly { type: string; count: number }[];
  components: readonly ComponentDescription[];
  subscriptions?: readonly Record<string, unknown>[];
  extended: Record<string, string>;
  appConnectionProperties: { port?: number; protocol: string; channelAddress: string; maxConcurrency?: number };
  actorRuntime: {
    runtimeStatus: 'INITIALIZING' | 'DISABLED' | 'RUNNING';
    hostReady: boolean;
    placement?: string;
    /** Outrigger's addition: the version of the placement table this sidecar routes by. */
    placementTableVersion?: number;
  };
}

/**
 * `/v1.0/metadata`: what this sidecar is and runs, plus the attributes apps and the CLI set
 * with `PUT /v1.0/metadata/{key}` (kept in memory, as in Dapr).
 */
export class MetadataService {
  readonly #extended = new Map<string, string>();

  constructor(private readonly options: MetadataServiceOptions) {}

  set(key: string, value: string): void {
    this.#extended.set(key, value);
  }

  describe(): MetadataDocument {
    const { appId, runtimeVersion, enabledFeatures, components, app } = this.options;
    const report = this.options.actorRuntime?.();
    return {
      id: appId,
      runtimeVersion,
      enabledFeatures,
      actors: (report?.hostedTypes ?? []).map((type) => ({ type, count: report?.activeActors.get(type) ?? 0 })),
      components,
      ...(this.options.subscriptions ? { subscriptions: this.options.subscriptions() } : {}),
      extended: { ...Object.fromEntries(this.#extended), daprRuntimeVersion: runtimeVersion },
      appConnectionProperties: {
        ...(app.port !== undefined ? { port: app.port } : {}),
        protocol: app.protocol,
        channelAddress: app.channelAddress,
      },
      actorRuntime: report
        ? {
            runtimeStatus: report.tableVersion > 0 ? 'RUNNING' : 'INITIALIZING',
            hostReady: report.hostReady,
            placement: `placement: ${report.placement}`,
            placementTableVersion: report.tableVersion,
          }
        : { runtimeStatus: 'DISABLED', hostReady: false },
    };
  }
}

