import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_TRUST_DOMAIN } from '@outrigger/placement';
import { SIDECAR_DEFAULTS, outriggerHome, type MtlsOptions, type SidecarOptions } from '../config/index.js';
import { parseGoDuration } from '../durations/index.js';
import { LOG_LEVELS, type LogLevel } from '../logging/index.js';

/** The sidecar's flags, named as daprd's so users' habits carry over. Shared by `sidecar` and `run`. */
export function addSidecarFlags(command: Command): Command {
  return command
    .requiredOption('--app-id <id>', 'the id of the app this sidecar serves (no dots)')
    .option('--app-port <port>', 'the port the app listens on; without it the sidecar calls no app', port)
    .addOption(new Option('--app-protocol <protocol>', 'how the sidecar talks to the app').choices(['http']).default('http'))
    .option('--app-channel-address <host>', 'the address the app listens on', SIDECAR_DEFAULTS.appChannelAddress)
    .option('--dapr-http-port <port>', `the port of the Dapr HTTP API (default ${SIDECAR_DEFAULTS.httpPort}; 0 picks a free one)`, port)
    .option('--http-port <port>', 'alias of --dapr-http-port', port)
    .option('--dapr-listen-addresses <host>', 'the address the HTTP API listens on', SIDECAR_DEFAULTS.listenAddress)
    .option('--resources-path <dir>', 'a folder of component YAML (repeatable; default: the embedded defaults)', collect, [])
    .option('--components-path <dir>', 'alias of --resources-path', collect, [])
    .option('--config <file>', 'a Dapr Configuration file (repeatable; later files win)', collect, [])
    .option('--placement-host-address <addresses>', 'placement service addresses, HOST:PORT[,HOST:PORT…] (default: the embedded placement)')
    .option('--embedded-placement-port <port>', 'without --placement-host-address: join, or host, the placement on 127.0.0.1:<port>', port, SIDECAR_DEFAULTS.embeddedPlacementPort)
    .option('--dapr-internal-port <port>', 'the port other sidecars reach this one on (default: a free port)', port, SIDECAR_DEFAULTS.internalPort)
    .addOption(new Option('--log-level <level>', 'the least severe level that is logged').choices(LOG_LEVELS).default('info'))
    .option('--log-as-json', 'log JSON lines instead of text', false)
    .option('--enable-api-logging [enabled]', 'log one line per API call (default: the Configuration\'s logging.apiLogging.enabled)', bool)
    .option('--enable-metrics [enabled]', 'serve Prometheus metrics', bool, SIDECAR_DEFAULTS.metricsEnabled)
    .option('--metrics-port <port>', 'the port of the metrics endpoint (0 picks a free one)', port, SIDECAR_DEFAULTS.metricsPort)
    .option('--metrics-listen-address <host>', 'the address the metrics endpoint listens on', SIDECAR_DEFAULTS.metricsListenAddress)
    .option('--dapr-http-max-request-size <MB>', 'the largest request body the API accepts, in MB', positiveNumber, 4)
    .option('--dapr-graceful-shutdown-seconds <seconds>', 'how long a shutdown may wait for calls to finish', positiveNumber, 5)
    .option('--app-call-timeout <duration>', 'how long the sidecar waits for the app to answer one call (Go duration)', duration, SIDECAR_DEFAULTS.appTimeoutMs)
    .option('--enable-mtls', 'mutual TLS on the links to other sidecars and to the placement (needs --mtls-dir)', false)
    .option('--mtls-dir <dir>', 'the folder "outrigger cert issue" wrote: ca.crt, tls.crt, tls.key (and placement/ to host the embedded placement)')
    .option('--trust-domain <domain>', 'the SPIFFE trust domain of the certificates', DEFAULT_TRUST_DOMAIN);
}

interface SidecarFlags {
  appId: string;
  appPort?: number;
  appProtocol: 'http';
  appChannelAddress: string;
  daprHttpPort?: number;
  httpPort?: number;
  daprListenAddresses: string;
  resourcesPath: string[];
  componentsPath: string[];
  config: string[];
  placementHostAddress?: string;
  embeddedPlacementPort: number;
  daprInternalPort: number;
  logLevel: LogLevel;
  logAsJson: boolean;
  enableApiLogging?: boolean;
  enableMetrics: boolean;
  metricsPort: number;
  metricsListenAddress: string;
  daprHttpMaxRequestSize: number;
  daprGracefulShutdownSeconds: number;
  appCallTimeout: number;
  enableMtls: boolean;
  mtlsDir?: string;
  trustDomain: string;
}

export function sidecarOptionsFrom(flags: SidecarFlags, env: NodeJS.ProcessEnv = process.env): SidecarOptions {
  return {
    ...SIDECAR_DEFAULTS,
    appId: flags.appId,
    appPort: flags.appPort,
    appProtocol: flags.appProtocol,
    appChannelAddress: flags.appChannelAddress,
    httpPort: flags.daprHttpPort ?? flags.httpPort ?? SIDECAR_DEFAULTS.httpPort,
    listenAddress: flags.daprListenAddresses,
    resourcesPaths: [...flags.resourcesPath, ...flags.componentsPath],
    configFiles: flags.config,
    placementAddresses: flags.placementHostAddress?.split(',').map((a) => a.trim()).filter(Boolean) ?? [],
    embeddedPlacementPort: flags.embeddedPlacementPort,
    internalPort: flags.daprInternalPort,
    hostAddress: env['DAPR_HOST_IP'] || SIDECAR_DEFAULTS.hostAddress,
    logLevel: flags.logLevel,
    logAsJson: flags.logAsJson,
    apiLogging: flags.enableApiLogging,
    metricsEnabled: flags.enableMetrics,
    metricsPort: flags.metricsPort,
    metricsListenAddress: flags.metricsListenAddress,
    maxRequestBodyBytes: Math.round(flags.daprHttpMaxRequestSize * 1024 * 1024),
    gracefulShutdownMs: flags.daprGracefulShutdownSeconds * 1000,
    appTimeoutMs: flags.appCallTimeout,
    namespace: env['NAMESPACE'] || undefined,
    home: outriggerHome(env),
    apiToken: env['DAPR_API_TOKEN'] || undefined,
    appApiToken: env['APP_API_TOKEN'] || undefined,
    mtls: mtlsOptionsFrom(flags),
  };
}

/** Both flags or neither: a folder without --enable-mtls would silently be ignored. */
export function mtlsOptionsFrom(flags: { enableMtls: boolean; mtlsDir?: string; trustDomain: string }): MtlsOptions | undefined {
  if (flags.enableMtls !== (flags.mtlsDir !== undefined)) throw new TypeError('--enable-mtls and --mtls-dir go together');
  return flags.mtlsDir === undefined ? undefined : { dir: flags.mtlsDir, trustDomain: flags.trustDomain };
}

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

/** Go's boolean flags: `--flag`, `--flag=true`, `--flag=false`. */
function bool(text: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new InvalidArgumentError('must be true or false');
}

function positiveNumber(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function duration(text: string): number {
  const ms = parseGoDuration(text);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('must be a positive Go duration such as "30s" or "1m"');
  return ms;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
