/**
 * The runtime's logger: pino, human-readable lines by default, JSON with `--log-as-json`.
 * Every line carries the app id, so the output of several sidecars can be told apart.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
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

/**
 * Fields every line logged within one piece of work carries (its `trace_id`), wherever in the
 * code the line is written. Entered only while tracing is on: an AsyncLocalStorage in use costs
 * every await in the process a little.
 */
const scope = new AsyncLocalStorage<Readonly<Record<string, string>>>();

export function inLogScope<T>(fields: Readonly<Record<string, string>>, work: () => T): T {
  return scope.run(fields, work);
}

const scopeFields = () => scope.getStore() ?? {};

export function createLogger(options: LoggerOptions): Logger {
  const base = options.appId ? { app_id: options.appId } : {};
  const level: LevelWithSilent = options.level;
  const destination = options.destination ?? process.stdout;
  if (options.json) return pino({ level, base, mixin: scopeFields, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  const stream = pretty({
    destination,
    sync: true,
    colorize: false,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
  });
  return pino({ level, base, mixin: scopeFields }, stream);
}
