/**
 * The error every schedule parser throws. The HTTP layer maps it onto Dapr's answer for a bad
 * timer or reminder (500 `ERR_ACTOR_TIMER_CREATE` / `ERR_ACTOR_REMINDER_CREATE`, notes §2.7); the
 * stable `code` lets it (and tests) tell the cases apart without matching message text.
 */

/** The request body field a schedule string came from (notes §3.1). */
export type ScheduleField = 'dueTime' | 'period' | 'ttl';

export type ScheduleErrorCode =
  | 'SCHEDULE_INVALID_DUE_TIME'
  | 'SCHEDULE_INVALID_PERIOD'
  | 'SCHEDULE_INVALID_TTL'
  /** The ttl is well formed but ends before now or before the due time (notes §3.2). */
  | 'SCHEDULE_TTL_EXPIRED';

/** A dueTime, period or ttl Dapr would refuse. The message names the field and the bad value. */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
  constructor(
    readonly code: ScheduleErrorCode,
    readonly field: ScheduleField,
    readonly value: string,
    readonly reason: string,
  ) {
    super(`invalid ${field} ${JSON.stringify(value)}: ${reason}`);
  }
}
