import { Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_PLACEMENT_PORT,
  DEFAULT_TRUST_DOMAIN,
  PLACEMENT_DEFAULTS,
  createPlacementMetrics,
  startMetricsServer,
  startPlacement,
  type Placement,
  type PlacementOptions,
} from '@outrigger/placement';
import type { Logger } from '../logging/index.js';
import { formatGoDuration, parseGoDuration } from '../durations/index.js';
import { LOG_LEVELS, createLogger, type LogLevel } from '../logging/index.js';
import { readPlacementCredentials, type Credentials } from '../tls/index.js';
import { mtlsOptionsFrom } from './sidecar-flags.js';

/** What a placement started by a test harness or a supervisor hears over IPC. */
export interface PlacementReadyMessage {
  readonly kind: 'outrigger.placement.ready';
  readonly port: number;
  /** Where `GET /metrics` is served; absent when metrics are off or the port was taken. */
  readonly metricsPort?: number | undefined;
}

interface PlacementFlags {
  port: number;
  listenAddress: string;
  replicationFactor: number;
  hostTimeout: number;
  disseminationTimeout: number;
  coalesceWindow: number;
  logLevel: LogLevel;
  logAsJson: boolean;
  enableMetrics: boolean;
  metricsPort: number;
  metricsListenAddress: string;
  enableMtls: boolean;
  mtlsDir?: string;
  trustDomain: string;
}

/** How long SIGINT/SIGTERM waits for connections to close before giving up. */
const SHUTDOWN_DEADLINE_MS = 5_000;

/** `outrigger placement`: the placement service (this project's dapr-placement). */
export function placementCommand(): Command {
  return new Command('placement')
    .description('run the placement service: cluster membership and the actor placement table')
    .option('--port <port>', 'the port sidecars connect to (0 picks a free one)', port, DEFAULT_PLACEMENT_PORT)
    .option('--listen-address <host>', 'the address to listen on', '0.0.0.0')
    .option('--replication-factor <n>', 'virtual nodes per host on each ring', replicationFactor, PLACEMENT_DEFAULTS.replicationFactor)
    .addOption(durationOption('--host-timeout <duration>', 'drop a sidecar silent this long', PLACEMENT_DEFAULTS.hostTimeoutMs))
    .addOption(durationOption('--dissemination-timeout <duration>', 'evict a sidecar that does not ack a phase this soon', PLACEMENT_DEFAULTS.disseminationTimeoutMs))
    .addOption(durationOption('--coalesce-window <duration>', 'fold changes this close together into one round (0s = off)', PLACEMENT_DEFAULTS.coalesceWindowMs))
    .addOption(new Option('--log-level <level>', 'the least severe level that is logged').choices(LOG_LEVELS).default('info'))
    .option('--log-as-json', 'log JSON lines instead of text', false)
    .option('--enable-metrics [enabled]', 'serve Prometheus metrics', (text: string) => text !== 'false', true)
    .option('--metrics-port <port>', 'the port of the metrics endpoint (0 picks a free one)', port, 9090)
    .option('--metrics-listen-address <host>', 'the address the metrics endpoint listens on', '0.0.0.0')
    .option('--enable-mtls', 'serve sidecars over mutual TLS only (needs --mtls-dir)', false)
    .option('--mtls-dir <dir>', `the folder "outrigger cert issue --placement" wrote: ca.crt, tls.crt, tls.key`)
    .option('--trust-domain <domain>', 'the SPIFFE trust domain of the certificates', DEFAULT_TRUST_DOMAIN)
    .action(async (flags: PlacementFlags) => runPlacement(flags));
}

async function runPlacement(flags: PlacementFlags): Promise<void> {
  const logger = createLogger({ level: flags.logLevel, json: flags.logAsJson });
  const options: PlacementOptions = {
    port: flags.port,
    host: flags.listenAddress,
    replicationFactor: flags.replicationFactor,
    hostTimeoutMs: flags.hostTimeout,
    disseminationTimeoutMs: flags.disseminationTimeout,
    coalesceWindowMs: flags.coalesceWindow,
    logger,
    tls: await placementCredentials(flags),
  };
  const placement = await startPlacement(options);
  const metrics = flags.enableMetrics ? await serveMetrics(placement, flags, logger) : undefined;
  logger.info({ port: placement.port, metricsPort: metrics?.port }, `outrigger placement ready on port ${placement.port}`);
  process.send?.({ kind: 'outrigger.placement.ready', port: placement.port, metricsPort: metrics?.port } satisfies PlacementReadyMessage);

  let stopping = false;
  const onSignal = (reason: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info(`stopping (${reason})`);
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    void placement.close().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  process.on('disconnect', () => onSignal('parent went away'));
}

/** The placement's own credentials: its certificate must carry the placement's identity. */
async function placementCredentials(flags: PlacementFlags): Promise<Credentials | undefined> {
  const mtls = mtlsOptionsFrom(flags);
  return mtls ? readPlacementCredentials(mtls.dir, mtls.trustDomain) : undefined;
}

/** As in the sidecar, a taken metrics port is reported, not fatal. */
async function serveMetrics(placement: Placement, flags: PlacementFlags, logger: Logger) {
  try {
    return await startMetricsServer(createPlacementMetrics(placement), { host: flags.metricsListenAddress, port: flags.metricsPort });
  } catch (err) {
    logger.warn({ port: flags.metricsPort, err: (err as Error).message }, 'placement metrics are not served: the metrics port is taken');
    return undefined;
  }
}

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function replicationFactor(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('must be an integer from 1 to 10000');
  return n;
}

/** A Go duration (`500ms`, `3s`, `1m`) in milliseconds, its default shown the same way. */
function durationOption(flags: string, description: string, defaultMs: number): Option {
  return new Option(flags, description).argParser(duration).default(defaultMs, formatGoDuration(defaultMs));
}

function duration(text: string): number {
  const ms = parseGoDuration(text);
  if (ms === undefined || ms < 0) throw new InvalidArgumentError('must be a Go duration such as 500ms, 3s or 1m');
  return Math.round(ms);
}
