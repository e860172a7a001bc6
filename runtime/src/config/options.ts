import { PLACEMENT_APP_ID } from '@outrigger/placement';
import type { LogLevel } from '../logging/index.js';

/** Everything a sidecar is started with; the CLI's flags map onto these one to one. */
export interface SidecarOptions {
  readonly appId: string;
  readonly appPort?: number | undefined;
  readonly appProtocol: 'http';
  readonly appChannelAddress: string;
  /** 0 picks a free port; the chosen one is reported when ready. */
  readonly httpPort: number;
  readonly listenAddress: string;
  /** Folders of resource YAML; empty means the embedded defaults. */
  readonly resourcesPaths: readonly string[];
  readonly configFiles: readonly string[];
  /** Placement services to join; empty means the embedded default (see embeddedPlacementPort). */
  readonly placementAddresses: readonly string[];
  /**
   * With no placement address, the sidecar joins the placement at 127.0.0.1 on this port,
   * hosting one itself when none answers.
   */
  readonly embeddedPlacementPort: number;
  /** The port other sidecars reach this one on (0 picks a free one). */
  readonly internalPort: number;
  /** The address this sidecar listens on for peers and advertises to them (`DAPR_HOST_IP`). */
  readonly hostAddress: string;
  readonly logLevel: LogLevel;
  readonly logAsJson: boolean;
  /** `--enable-api-logging`: one log line per API call; unset defers to the Configuration. */
  readonly apiLogging?: boolean | undefined;
  /** `--enable-metrics`: Prometheus metrics at `GET /metrics` on the metrics port. */
  readonly metricsEnabled: boolean;
  /** 0 picks a free one; the chosen one is reported when ready. */
  readonly metricsPort: number;
  readonly metricsListenAddress: string;
  readonly maxRequestBodyBytes: number;
  readonly gracefulShutdownMs: number;
  /** How long the sidecar waits for its app to answer a call. */
  readonly appTimeoutMs: number;
  readonly namespace?: string | undefined;
  /** Where embedded defaults live (`~/.outrigger`, or `OUTRIGGER_HOME`). */
  readonly home: string;
  /** `DAPR_API_TOKEN`: the token apps must present on every API call. */
  readonly apiToken?: string | undefined;
  /** `APP_API_TOKEN`: the token this sidecar presents on every call to its app. */
  readonly appApiToken?: string | undefined;
  /**
   * `--enable-mtls`: mutual TLS on peer links and to the placement, with the credentials in
   * `dir` (`ca.crt`, `tls.crt`, `tls.key`; `placement/` the same, to host the embedded placement).
   */
  readonly mtls?: MtlsOptions | undefined;
}

export interface MtlsOptions {
  readonly dir: string;
  /** `--trust-domain`: the SPIFFE trust domain of every certificate in the cluster. */
  readonly trustDomain: string;
}

export const SIDECAR_DEFAULTS = {
  appProtocol: 'http',
  appChannelAddress: '127.0.0.1',
  httpPort: 3500,
  listenAddress: '127.0.0.1',
  resourcesPaths: [],
  configFiles: [],
  placementAddresses: [],
  embeddedPlacementPort: 50005,
  internalPort: 0,
  hostAddress: '127.0.0.1',
  logLevel: 'info',
  logAsJson: false,
  metricsEnabled: true,
  metricsPort: 9090,
  metricsListenAddress: '0.0.0.0',
  maxRequestBodyBytes: 4 * 1024 * 1024,
  gracefulShutdownMs: 5000,
  appTimeoutMs: 60_000,
} as const satisfies Partial<SidecarOptions>;

/** Rejects combinations that cannot work, with the flag's name in the message. */
export function validateSidecarOptions(options: SidecarOptions): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(options.appId)) {
    throw new TypeError(`--app-id must be letters, digits, "-" or "_" (no dots), got "${options.appId}"`);
  }
  if (options.appPort !== undefined && options.appPort === options.httpPort) {
    throw new TypeError('--app-port must differ from --dapr-http-port');
  }
  if (options.maxRequestBodyBytes <= 0) throw new TypeError('--dapr-http-max-request-size must be positive');
  if (options.mtls && options.appId === PLACEMENT_APP_ID) throw new TypeError(`--app-id ${PLACEMENT_APP_ID} is the placement's identity under mTLS`);
}
