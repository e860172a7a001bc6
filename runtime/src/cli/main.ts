import { Command, CommanderError } from 'commander';
import { ComponentError } from '../components/index.js';
import { ConfigurationError } from '../config/index.js';
import { RUNTIME_VERSION } from '../version.js';
import { certCommand } from './cert-command.js';
import { placementCommand } from './placement-command.js';
import { runCommand } from './run-command.js';
import { sidecarCommand } from './sidecar-command.js';

/** The `outrigger` command line. Each command is a file; this only lists them. */
export function createProgram(): Command {
  return new Command('outrigger')
    .description('Outrigger: a distributed application runtime that speaks the Dapr HTTP API')
    .version(RUNTIME_VERSION)
    .enablePositionalOptions()
    .showHelpAfterError()
    .addCommand(runCommand())
    .addCommand(sidecarCommand())
    .addCommand(placementCommand())
    .addCommand(certCommand());
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    const known = err instanceof ComponentError || err instanceof ConfigurationError || err instanceof TypeError;
    process.stderr.write(`outrigger: ${known ? (err as Error).message : (err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  }
}
