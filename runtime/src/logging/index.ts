/**
 * The runtime's logger: pino, human-readable lines by default, JSON with `--log-as-json`.
 * Every line carries the app id, so the output of several sidecars can be told apart.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly json: boolean;
  readonly appId?: string;
  /** Where lines go; standard output by default. */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = options.appId ? { app_id: options.appId } : {};
  const level: LevelWithSilent = options.level;
  const destination = options.destination ?? process.stdout;
  if (options.json) return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  const stream = pretty({
    destination,
    sync: true,
    colorize: false,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
  });
  return pino({ level, base }, stream);
}
