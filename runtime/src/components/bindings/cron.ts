/**
 * `bindings.cron`, input: an empty event on a schedule, with Dapr's metadata `timeZone` and
 * `readTimeUTC`. Schedules as Dapr's parser takes them: 6 fields with seconds, or 5 starting at
 * minutes; `@every <Go duration>`; `@yearly` … `@hourly`; an optional `CRON_TZ=<zone> ` prefix.
 * Fires are not waited for or retried: a slow app does not hold back the next fire.
 */
import { Cron } from 'croner';
import type { BindingEventHandler, InputBinding } from '../../bindings/index.js';
import type { Clock } from '../../clock/index.js';
import { parseGoDuration } from '../../durations/index.js';
import type { Logger } from '../../logging/index.js';
import { ComponentMetadataError } from '../errors.js';
import { defineBinding } from './definition.js';

/** When a schedule fires next, strictly after `afterMs`; undefined when it never will again. */
export interface CronSchedule {
  next(afterMs: number): number | undefined;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

/** Throws a TypeError saying what is wrong with the spec. */
export function parseCronSchedule(spec: string): CronSchedule {
  const { zone, rest } = splitZone(spec.trim());
  if (rest.startsWith('@every ')) return everySchedule(rest.slice('@every '.length).trim());
  const pattern = DESCRIPTORS[rest] ?? rest;
  if (pattern.startsWith('@')) throw new TypeError(`unrecognized descriptor: ${rest}`);
  // Day of month and day of week combine with OR, as in robfig/cron (and Vixie cron).
  const cron = new Cron(pattern, { paused: true, mode: '5-or-6-parts', domAndDow: false, ...(zone ? { timezone: zone } : {}) });
  return { next: (afterMs) => cron.nextRun(new Date(afterMs))?.getTime() };
}

function splitZone(spec: string): { zone: string | undefined; rest: string } {
  const match = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(spec);
  if (!match) return { zone: undefined, rest: spec };
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: match[1]! });
  } catch {
    throw new TypeError(`provided bad location ${match[1]}`);
  }
  return { zone: match[1]!, rest: match[2]!.trim() };
}

/** As robfig/cron's `@every`: whole seconds, at least one, counted from the previous fire's second. */
function everySchedule(text: string): CronSchedule {
  const ms = parseGoDuration(text);
  if (ms === undefined || ms <= 0) throw new TypeError(`failed to parse duration @every ${text}`);
  const stepMs = Math.max(1000, Math.floor(ms / 1000) * 1000);
  return { next: (afterMs) => Math.floor(afterMs / 1000) * 1000 + stepMs };
}

/** Go's `time.Time.String()` in UTC, which is what Dapr puts in `readTimeUTC`. */
export function goUtcString(ms: number): string {
  const iso = new Date(ms).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''} +0000 UTC`;
}

class CronInput implements InputBinding {
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly schedule: CronSchedule,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async start(handler: BindingEventHandler): Promise<void> {
    this.#arm(handler, this.clock.now());
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #arm(handler: BindingEventHandler, afterMs: number): void {
    const at = this.schedule.next(afterMs);
    if (this.#closed || at === undefined) return;
    this.#timer = setTimeout(() => this.#fire(handler, at), Math.max(0, at - this.clock.now()));
  }

  #fire(handler: BindingEventHandler, at: number): void {
    if (this.#closed) return;
    const metadata = { timeZone: 'Local', readTimeUTC: goUtcString(this.clock.now()) };
    handler({ data: Buffer.alloc(0), metadata }).catch((err: Error) => this.logger.debug({ err: err.message }, 'cron event not taken by the app'));
    this.#arm(handler, Math.max(at, this.clock.now()));
  }
}

export const cronBinding = defineBinding({
  type: 'bindings.cron',
  async input(metadata, context) {
    const spec = metadata.string('schedule');
    if (spec === undefined) throw new ComponentMetadataError('schedule', 'is required (e.g. "@every 15s" or "0 30 * * * *")');
    try {
      return new CronInput(parseCronSchedule(spec), context.clock, context.logger);
    } catch (err) {
      throw new ComponentMetadataError('schedule', `is not a valid schedule "${spec}": ${(err as Error).message}`);
    }
  },
});
