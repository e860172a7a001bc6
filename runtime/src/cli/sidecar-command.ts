import { Command } from 'commander';
import { startSidecar } from '../sidecar.js';
import { addSidecarFlags, sidecarOptionsFrom } from './sidecar-flags.js';

/** What a sidecar started by `outrigger run` (or a test harness) hears over IPC. */
export interface ReadyMessage {
  readonly kind: 'outrigger.sidecar.ready';
  readonly httpPort: number;
  /** Where `GET /metrics` is served; absent when metrics are off. */
  readonly metricsPort?: number | undefined;
}

export function sidecarCommand(): Command {
  return addSidecarFlags(new Command('sidecar'))
    .description('run a sidecar (this project\'s daprd): the Dapr HTTP API for one app')
    .action(async (flags) => {
      const options = sidecarOptionsFrom(flags);
      const sidecar = await startSidecar(options);
      sidecar.logger.info({ httpPort: sidecar.httpPort, appPort: options.appPort, metricsPort: sidecar.metricsPort }, `outrigger sidecar ready: app id ${options.appId}, HTTP API on port ${sidecar.httpPort}`);

      const stop = async (reason: string, exitCode: number) => {
        sidecar.logger.info(`stopping (${reason})`);
        const deadline = setTimeout(() => process.exit(1), options.gracefulShutdownMs).unref();
        await sidecar.close();
        clearTimeout(deadline);
        process.exit(exitCode);
      };
      let stopping = false;
      const onSignal = (signal: string, exitCode = 0) => {
        if (stopping) process.exit(1);
        stopping = true;
        void stop(signal, exitCode);
      };
      // Node passes the signal's number second; it must not become the exit code.
      process.on('SIGINT', (signal) => onSignal(signal)).on('SIGTERM', (signal) => onSignal(signal));
      process.on('disconnect', () => onSignal('parent went away'));
      void sidecar.shutdownRequested.then(() => onSignal('shutdown requested'));
      void sidecar.failed.then((err) => {
        sidecar.logger.error(err.message);
        onSignal('cannot go on', 1);
      });
      // Only now: whoever started us may signal as soon as it hears we are ready.
      process.send?.({ kind: 'outrigger.sidecar.ready', httpPort: sidecar.httpPort, metricsPort: sidecar.metricsPort } satisfies ReadyMessage);
    });
}
