/**
 * A timer's full state, as `handOff` returns it and `adopt` takes it: enough for another sidecar
 * to re-arm the timer with the same cadence, remaining repetitions and payload.
 */
import type { ScheduleText } from '../../durations/index.js';

export interface TimerState {
  readonly name: string;
  /** dueTime, period and ttl exactly as the app wrote them. */
  readonly text: ScheduleText;
  /** When the first fire was due (epoch ms). */
  readonly dueAt: number;
  /** No fire is due after this instant (epoch ms); undefined without a ttl. */
  readonly expiresAt: number | undefined;
  /** The next fire's scheduled instant (epoch ms); may be in the past when it is overdue. */
  readonly nextDueAt: number;
  /** Fires so far (started ones included). */
  readonly firedCount: number;
  /** The method name the app's SDK calls; may be empty. */
  readonly callback: string;
  /** The create request's `data` as JSON text; undefined when it had none. */
  readonly data: Buffer | undefined;
}
