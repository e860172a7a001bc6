/**
 * Timer and reminder schedules: every format in reference notes §3.2, the Dapr JS SDK's lower-cased
 * forms (dapr-node-sdk-wire.md), and the refusals, each as a row of a table. Time is fixed: NOW is
 * 31 January, so month steps show Go's AddDate overflow (31 Jan + P1M = 3 Mar in 2026).
 */
import test from 'ava';
import {
  formatRfc3339,
  formatSchedule,
  nextFire,
  parseDueTime,
  parseDuration,
  parseIsoCalendarDuration,
  parsePeriod,
  parseRfc3339,
  parseSchedule,
  parseTtl,
  ScheduleError,
  type Period,
  type Schedule,
  type ScheduleErrorCode,
  type ScheduleField,
} from '../../../runtime/src/durations/index.js';

const NOW = Date.parse('2026-01-31T12:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (iso: string): number => Date.parse(iso);

/** Asserts `fn` throws a ScheduleError with this code, whose message names the field and value. */
function assertRefused(
  t: import('ava').ExecutionContext,
  fn: () => unknown,
  code: ScheduleErrorCode,
  field: ScheduleField,
  text: string,
  reason: RegExp,
): void {
  const error = t.throws(fn, { instanceOf: ScheduleError });
  t.is(error?.code, code);
  t.is(error?.field, field);
  t.is(error?.value, text);
  t.true(error?.message.startsWith(`invalid ${field} ${JSON.stringify(text)}: `), error?.message);
  t.regex(error?.message ?? '', reason);
}

// ---------------------------------------------------------------------------------------------
// parseDuration: Go or ISO 8601, fixed lengths only.

const durations: Array<[string, number, string]> = [
  ['1m30s', 90 * SECOND, 'Go (§3.2)'],
  ['500ms', 500, 'Go (§3.2)'],
  ['1h30m', 90 * MINUTE, 'Go (§3.2)'],
  ['-5s', -5 * SECOND, 'Go, negative (§3.2)'],
  ['0', 0, 'Go bare zero'],
  ['PT1M', MINUTE, 'ISO (§3.2)'],
  ['PT10S', 10 * SECOND, 'ISO'],
  ['P1DT2H', DAY + 2 * HOUR, 'ISO (§3.2)'],
  ['P1W', 7 * DAY, 'ISO weeks (§3.2: W = 7 days)'],
  ['P2WT1M', 14 * DAY + MINUTE, "ISO weeks with time (Dapr's period_test)"],
  ['PT1H30M', 90 * MINUTE, 'ISO'],
  ['PT36H', 36 * HOUR, 'ISO without carrying'],
  ['PT0S', 0, 'ISO zero'],
  ['P0D', 0, 'ISO zero days'],
  ['PT0.5S', 500, 'ISO fractional seconds (Dapr refuses; we accept)'],
  ['1s', SECOND, 'JS SDK: PT1S'],
  ['1.5s', 1500, 'JS SDK: PT1.5S'],
  ['1m', MINUTE, 'JS SDK: PT1M'],
  ['p1d', DAY, 'JS SDK: P1D (Dapr refuses; we accept)'],
  ['p1dt2h', DAY + 2 * HOUR, 'JS SDK: P1DT2H'],
  ['p1w', 7 * DAY, 'JS SDK: P1W'],
  ['p1dt1.5s', DAY + 1500, 'JS SDK: P1DT1.5S'],
];
for (const [text, expected, why] of durations) {
  test(`parseDuration(${JSON.stringify(text)}) = ${expected} ms: ${why}`, (t) => {
    t.is(parseDuration(text), expected);
  });
}

const notDurations: Array<[string, string]> = [
  ['', 'empty'],
  ['P', 'no parts'],
  ['PT', 'no parts after T (Dapr accepts as zero)'],
  ['P1DT', 'T with nothing after it'],
  ['P1Y', 'years have no fixed length'],
  ['P1M', 'months have no fixed length'],
  ['PT-5S', 'signed ISO number (Dapr lets it through)'],
  ['PT1S5', 'digits after the last designator'],
  ['P1H', 'hours before T'],
  ['PT1D', 'days after T'],
  ['PT1S1M', 'parts out of order'],
  ['PT.5S', 'fraction without a leading digit'],
  ['P1.5D', 'fraction outside seconds'],
  ['R5/PT10S', 'repetitions are not a duration'],
  ['1d', 'Go has no days'],
  ['abc', 'nonsense'],
];
for (const [text, why] of notDurations) {
  test(`parseDuration(${JSON.stringify(text)}) is undefined: ${why}`, (t) => {
    t.is(parseDuration(text), undefined);
  });
}

test('parseIsoCalendarDuration keeps years and months apart from exact time', (t) => {
  t.deepEqual(parseIsoCalendarDuration('P1Y2M3DT4H'), { months: 14, ms: 3 * DAY + 4 * HOUR });
  t.deepEqual(parseIsoCalendarDuration('P1M'), { months: 1, ms: 0 });
  t.deepEqual(parseIsoCalendarDuration('PT1M'), { months: 0, ms: MINUTE });
  t.is(parseIsoCalendarDuration('1m'), undefined);
});

// ---------------------------------------------------------------------------------------------
// parseDueTime: duration from now, or an RFC 3339 instant.

const dueTimes: Array<[string, number, string]> = [
  ['', NOW, 'empty fires immediately (§3.2)'],
  ['0s', NOW, 'zero'],
  ['5s', NOW + 5 * SECOND, 'Go'],
  ['1m30s', NOW + 90 * SECOND, 'Go (§3.2)'],
  ['-5s', NOW - 5 * SECOND, 'negative Go duration is allowed and means now (§3.2)'],
  ['500us', NOW + 1, 'sub-millisecond rounds up: never early'],
  ['PT10S', NOW + 10 * SECOND, 'ISO'],
  ['P1DT2H', NOW + DAY + 2 * HOUR, 'ISO (§3.2)'],
  ['P1W', NOW + 7 * DAY, 'ISO weeks'],
  ['P1M', at('2026-03-03T12:00:00Z'), 'month by calendar: 31 Jan + 1 month overflows like Go AddDate'],
  ['P1M1D', at('2026-03-04T12:00:00Z'), 'months, then days'],
  ['P1Y', at('2027-01-31T12:00:00Z'), 'year by calendar'],
  ['1s', NOW + SECOND, 'JS SDK: PT1S'],
  ['1.5s', NOW + 1500, 'JS SDK: PT1.5S'],
  ['1m', NOW + MINUTE, 'JS SDK: PT1M'],
  ['p1d', NOW + DAY, 'JS SDK: P1D'],
  ['2026-02-01T00:00:00Z', at('2026-02-01T00:00:00Z'), 'RFC 3339 UTC'],
  ['2026-02-01T00:00:00.250Z', at('2026-02-01T00:00:00.250Z'), 'RFC 3339 with milliseconds'],
  ['2026-02-01T00:00:00.123456789Z', at('2026-02-01T00:00:00.123Z'), 'RFC 3339 nanoseconds truncate to ms'],
  ['2026-02-01T00:00:00.5Z', at('2026-02-01T00:00:00.500Z'), 'RFC 3339 one fraction digit'],
  ['2026-02-01T02:00:00+02:00', at('2026-02-01T00:00:00Z'), 'RFC 3339 positive offset'],
  ['2026-01-31T19:30:00-05:30', at('2026-02-01T01:00:00Z'), 'RFC 3339 negative offset across midnight'],
  ['2026-02-01T00:00:00.750+01:00', at('2026-01-31T23:00:00.750Z'), 'RFC 3339 fraction and offset'],
  ['2026-02-01t00:00:00z', at('2026-02-01T00:00:00Z'), 'RFC 3339 lower-case t and z'],
  ['2024-02-29T00:00:00Z', at('2024-02-29T00:00:00Z'), 'RFC 3339 leap day'],
  ['2020-01-01T00:00:00Z', at('2020-01-01T00:00:00Z'), 'a past instant is accepted: it is due now'],
];
for (const [text, expected, why] of dueTimes) {
  test(`parseDueTime(${JSON.stringify(text)}): ${why}`, (t) => {
    t.is(parseDueTime(text, NOW), expected);
  });
}

const badDueTimes: Array<[string, RegExp, string]> = [
  ['abc', /Go duration .* ISO 8601 duration .* RFC 3339/, 'nonsense'],
  [' ', /Go duration/, 'whitespace is not empty'],
  ['R5/PT10S', /repetitions .* only allowed in period/, 'repetitions (§3.2)'],
  ['r/pt1s', /repetitions/, 'repetitions, lower case'],
  ['P', /ISO 8601/, 'bare P'],
  ['1d', /Go duration/, 'Go has no days'],
  ['PT0,5S', /ISO 8601/, 'comma fraction'],
  ['2026-02-30T00:00:00Z', /RFC 3339/, '30 February'],
  ['2025-02-29T00:00:00Z', /RFC 3339/, 'not a leap year'],
  ['2026-13-01T00:00:00Z', /RFC 3339/, 'month 13'],
  ['2026-01-01T24:00:00Z', /RFC 3339/, 'hour 24'],
  ['2026-01-01T00:60:00Z', /RFC 3339/, 'minute 60'],
  ['2026-01-01T00:00:60Z', /RFC 3339/, 'leap second (Go refuses it too)'],
  ['2026-01-01 00:00:00Z', /RFC 3339/, 'space instead of T'],
  ['2026-01-01T00:00:00', /RFC 3339/, 'no offset'],
  ['2026-01-01T00:00:00+2:00', /RFC 3339/, 'one-digit offset'],
  ['2026-01-01T00:00:00+24:00', /RFC 3339/, 'offset out of range'],
  ['2026-01-01', /RFC 3339/, 'date only'],
  ['P9000Y', /out of range/, 'beyond year 9999'],
];
for (const [text, reason, why] of badDueTimes) {
  test(`parseDueTime(${JSON.stringify(text)}) is refused: ${why}`, (t) => {
    assertRefused(t, () => parseDueTime(text, NOW), 'SCHEDULE_INVALID_DUE_TIME', 'dueTime', text, reason);
  });
}

// ---------------------------------------------------------------------------------------------
// parsePeriod: how it repeats; undefined = fires once.

const every = (intervalMs: number, repetitions?: number, intervalMonths = 0): Period => ({
  intervalMs,
  intervalMonths,
  repetitions,
});
const periods: Array<[string, Period | undefined, string]> = [
  ['', undefined, 'empty: one-shot (§3.2)'],
  ['0s', undefined, 'zero interval fires once (period.go HasRepeats)'],
  ['0', undefined, 'Go bare zero'],
  ['PT0S', undefined, 'ISO zero interval'],
  ['R5', undefined, "repeats only: Dapr's period_test accepts it; zero interval, so once"],
  ['R5/', undefined, 'repeats and an empty duration'],
  ['R5/PT0S', undefined, 'repeats of a zero interval'],
  ['1s', every(SECOND), 'Go; JS SDK: PT1S'],
  ['1.5s', every(1500), 'JS SDK: PT1.5S'],
  ['1m', every(MINUTE), 'JS SDK: PT1M'],
  ['1h30m', every(90 * MINUTE), 'Go (§3.2)'],
  ['500ms', every(500), 'Go (§3.2)'],
  ['500us', every(1), 'sub-millisecond rounds up to 1 ms, as the Scheduler does'],
  ['1.9ms', every(1), 'sub-millisecond parts truncate, as the Scheduler does'],
  ['PT10S', every(10 * SECOND), 'ISO'],
  ['PT1M', every(MINUTE), 'ISO (§3.2)'],
  ['P1DT2H', every(DAY + 2 * HOUR), 'ISO (§3.2)'],
  ['P1W', every(7 * DAY), 'ISO weeks (§3.2)'],
  ['P1D', every(DAY), "ISO days (Dapr's Scheduler refuses D; we accept)"],
  ['p1d', every(DAY), 'JS SDK: P1D (Dapr refuses; we accept)'],
  ['P2WT1M', every(14 * DAY + MINUTE), "Dapr's period_test"],
  ['PT0.5S', every(500), 'ISO fractional seconds'],
  ['R5/PT10S', every(10 * SECOND, 5), 'five fires (§3.2)'],
  ['R3/P2WT1M', every(14 * DAY + MINUTE, 3), "Dapr's period_test"],
  ['R1/PT1S', every(SECOND, 1), 'one fire'],
  ['R05/PT1S', every(SECOND, 5), 'leading zero, as strconv.Atoi reads it'],
  ['R/PT10S', every(10 * SECOND), 'ISO 8601 unbounded (Dapr refuses; we accept)'],
  ['r5/pt10s', every(10 * SECOND, 5), 'lower case'],
  ['P1M', every(0, undefined, 1), 'monthly, by calendar'],
  ['R2/P1Y2M3DT4H', every(3 * DAY + 4 * HOUR, 2, 14), "Dapr's period_test"],
];
for (const [text, expected, why] of periods) {
  test(`parsePeriod(${JSON.stringify(text)}): ${why}`, (t) => {
    t.deepEqual(parsePeriod(text), expected);
  });
}

const badPeriods: Array<[string, RegExp, string]> = [
  ['invalid', /Go duration .* ISO 8601 .* R<n>\//, "Dapr's period_test"],
  ['-5s', /must not be negative/, 'negative (Dapr timers would spin; the Scheduler fires every ms)'],
  ['R0', /zero repetitions/, "Dapr's period_test"],
  ['R0/PT10S', /zero repetitions/, 'R0 (period.go)'],
  ['R', /needs a count/, 'R alone'],
  ['R/', /needs a count/, 'R/ alone'],
  ['R-1/PT1S', /whole number/, 'negative count (strconv.Atoi would read -1 as forever)'],
  ['R1.5/PT1S', /whole number/, 'fractional count'],
  ['R5PT10S', /whole number/, 'missing slash'],
  ['R99999999999999999999/PT1S', /whole number/, 'count beyond a safe integer'],
  ['R5/10s', /ISO 8601/, 'only ISO after R<n>/, as in Dapr'],
  ['R5/PT10S/x', /ISO 8601/, 'trailing text'],
  ['2026-01-01T00:00:00Z', /Go duration/, 'a timestamp is not a period'],
  ['PT', /Go duration/, 'bare PT'],
];
for (const [text, reason, why] of badPeriods) {
  test(`parsePeriod(${JSON.stringify(text)}) is refused: ${why}`, (t) => {
    assertRefused(t, () => parsePeriod(text), 'SCHEDULE_INVALID_PERIOD', 'period', text, reason);
  });
}

// ---------------------------------------------------------------------------------------------
// parseTtl: counts from the due time (§3.2), and must not end before now or the due time.

const ttls: Array<[string, number, number | undefined, string]> = [
  ['', NOW, undefined, 'empty: no expiry'],
  ['10s', NOW, NOW + 10 * SECOND, 'Go, from the due time'],
  ['10s', NOW + MINUTE, NOW + MINUTE + 10 * SECOND, 'measured from the due time, not now (§3.2)'],
  ['0s', NOW + 5 * SECOND, NOW + 5 * SECOND, 'equal to the due time: allowed, one fire'],
  ['PT1H', NOW, NOW + HOUR, 'ISO'],
  ['p1d', NOW, NOW + DAY, 'JS SDK: P1D'],
  ['1.5s', NOW, NOW + 1500, 'JS SDK: PT1.5S'],
  ['P1M', NOW, at('2026-03-03T12:00:00Z'), 'calendar month from the due time'],
  ['2026-02-01T00:00:00Z', NOW + MINUTE, at('2026-02-01T00:00:00Z'), 'RFC 3339 ignores the base'],
  ['2026-02-01T00:00:00.5+01:00', NOW, at('2026-01-31T23:00:00.500Z'), 'RFC 3339 with offset and fraction'],
];
for (const [text, dueAt, expected, why] of ttls) {
  test(`parseTtl(${JSON.stringify(text)}, due ${formatRfc3339(dueAt)}): ${why}`, (t) => {
    t.is(parseTtl(text, NOW, dueAt), expected);
  });
}

const badTtls: Array<[string, number, ScheduleErrorCode, RegExp, string]> = [
  ['-1s', NOW, 'SCHEDULE_TTL_EXPIRED', /already expired: .* before now/, 'ends before now'],
  ['2020-01-01T00:00:00Z', NOW, 'SCHEDULE_TTL_EXPIRED', /before now/, 'a past instant'],
  ['2026-01-31T12:00:05Z', NOW + 10 * SECOND, 'SCHEDULE_TTL_EXPIRED', /before the due time \(2026-01-31T12:00:10Z\)/, 'ttl before dueTime'],
  ['-5s', NOW + 10 * SECOND, 'SCHEDULE_TTL_EXPIRED', /before the due time/, 'negative ttl after a later due time'],
  ['1s', NOW - 5 * SECOND, 'SCHEDULE_TTL_EXPIRED', /before now/, 'due in the past, so the ttl is too'],
  ['R5/PT10S', NOW, 'SCHEDULE_INVALID_TTL', /repetitions/, 'repetitions (§3.2)'],
  ['abc', NOW, 'SCHEDULE_INVALID_TTL', /RFC 3339/, 'nonsense'],
  ['2026-02-30T00:00:00Z', NOW, 'SCHEDULE_INVALID_TTL', /RFC 3339/, '30 February'],
];
for (const [text, dueAt, code, reason, why] of badTtls) {
  test(`parseTtl(${JSON.stringify(text)}, due ${formatRfc3339(dueAt)}) is refused: ${why}`, (t) => {
    assertRefused(t, () => parseTtl(text, NOW, dueAt), code, 'ttl', text, reason);
  });
}

// ---------------------------------------------------------------------------------------------
// parseSchedule, nextFire, formatSchedule.

/** Every fire of a schedule, in order (capped, for the unbounded ones). */
function fires(schedule: Schedule, cap = 10): number[] {
  const out: number[] = [];
  let next = nextFire(schedule, undefined, 0);
  while (next !== undefined && out.length < cap) {
    out.push(next);
    next = nextFire(schedule, next, out.length);
  }
  return out;
}
const offsets = (schedule: Schedule, cap?: number): number[] => fires(schedule, cap).map((fire) => fire - NOW);

const fireTable: Array<[string, { dueTime?: string; period?: string; ttl?: string }, number[]]> = [
  ['no dueTime and no period fires once, now', {}, [0]],
  ['a dueTime alone fires once', { dueTime: '5s' }, [5 * SECOND]],
  ['an unbounded period keeps going', { period: '10s' }, [0, 10, 20, 30, 40, 50].map((s) => s * SECOND)],
  ['R5/PT10S fires five times in all', { dueTime: '1s', period: 'R5/PT10S' }, [1, 11, 21, 31, 41].map((s) => s * SECOND)],
  ['R1 fires once', { period: 'R1/PT10S' }, [0]],
  ['a zero interval fires once', { period: 'R5' }, [0]],
  ['a ttl stops it', { period: '10s', ttl: '25s' }, [0, 10, 20].map((s) => s * SECOND)],
  ['a fire exactly at the ttl still happens', { period: '10s', ttl: '20s' }, [0, 10, 20].map((s) => s * SECOND)],
  ['a ttl equal to the dueTime leaves one fire', { dueTime: '5s', period: '1s', ttl: '0s' }, [5 * SECOND]],
  ['repetitions and ttl: whichever ends first', { period: 'R10/PT1S', ttl: '2500ms' }, [0, 1, 2].map((s) => s * SECOND)],
];
for (const [why, input, expected] of fireTable) {
  test(`nextFire: ${why}`, (t) => {
    // Capped at six fires: one more than any bounded row expects, so an extra fire shows.
    t.deepEqual(offsets(parseSchedule(input, NOW), 6), expected);
  });
}

test('nextFire steps calendar months from the previous scheduled fire, as Go AddDate does', (t) => {
  const schedule = parseSchedule({ period: 'R3/P1M' }, NOW);
  t.deepEqual(fires(schedule).map(formatRfc3339), ['2026-01-31T12:00:00Z', '2026-03-03T12:00:00Z', '2026-04-03T12:00:00Z']);
});

test('nextFire counts from the scheduled time, so a late callback is due at once', (t) => {
  const schedule = parseSchedule({ period: '10s' }, NOW);
  // Whenever the first callback actually finished, the second fire is due 10 s after the first
  // was scheduled; a caller that is already past it fires immediately (notes §3.3).
  t.is(nextFire(schedule, NOW, 1), NOW + 10 * SECOND);
  t.is(nextFire(schedule, NOW + 10 * SECOND, 2), NOW + 20 * SECOND);
});

test('nextFire is done once the next fire cannot be represented', (t) => {
  const schedule = parseSchedule({ dueTime: '9999-12-01T00:00:00Z', period: 'P1M' }, NOW);
  t.deepEqual(fires(schedule).map(formatRfc3339), ['9999-12-01T00:00:00Z']);
});

test('parseSchedule reads null and missing fields as empty', (t) => {
  const schedule = parseSchedule({ dueTime: null, period: null, ttl: null }, NOW);
  t.deepEqual(schedule, { dueAt: NOW, period: undefined, expiresAt: undefined, text: { dueTime: '', period: '', ttl: '' } });
});

test('parseSchedule reports the first bad field in Dapr order: dueTime, period, ttl', (t) => {
  assertRefused(t, () => parseSchedule({ dueTime: 'x', period: 'y', ttl: 'z' }, NOW), 'SCHEDULE_INVALID_DUE_TIME', 'dueTime', 'x', /./);
  assertRefused(t, () => parseSchedule({ period: 'y', ttl: 'z' }, NOW), 'SCHEDULE_INVALID_PERIOD', 'period', 'y', /./);
  assertRefused(t, () => parseSchedule({ dueTime: '1m', ttl: 'z' }, NOW), 'SCHEDULE_INVALID_TTL', 'ttl', 'z', /./);
});

test('parseSchedule measures the ttl from the due time', (t) => {
  const schedule = parseSchedule({ dueTime: '1m', period: '10s', ttl: '30s' }, NOW);
  t.is(schedule.dueAt, NOW + MINUTE);
  t.is(schedule.expiresAt, NOW + 90 * SECOND);
  t.deepEqual(offsets(schedule), [60, 70, 80, 90].map((s) => s * SECOND));
});

test('formatSchedule echoes dueTime and period as given and reports ttl as RFC 3339', (t) => {
  const schedule = parseSchedule({ dueTime: '1s', period: 'R5/PT10S', ttl: 'PT1M' }, NOW);
  t.deepEqual(formatSchedule(schedule), { dueTime: '1s', period: 'R5/PT10S', ttl: '2026-01-31T12:01:01Z' });
  t.deepEqual(formatSchedule(parseSchedule({ period: 'p1d' }, NOW)), { dueTime: '', period: 'p1d', ttl: '' });
});

test('formatRfc3339 prints milliseconds only when there are some, and round-trips', (t) => {
  t.is(formatRfc3339(NOW), '2026-01-31T12:00:00Z');
  t.is(formatRfc3339(NOW + 250), '2026-01-31T12:00:00.250Z');
  for (const ms of [NOW, NOW + 1, at('0001-01-01T00:00:00Z'), at('9999-12-31T23:59:59.999Z')]) {
    t.is(parseRfc3339(formatRfc3339(ms)), ms);
  }
  t.is(parseRfc3339('0000-01-01T00:00:00Z'), at('0000-01-01T00:00:00Z'), 'years 0-99 are not read as 19xx');
});

test('ScheduleError is an Error with a stable code, the field and the value', (t) => {
  const error = t.throws(() => parseDueTime('soon', NOW), { instanceOf: ScheduleError });
  t.true(error instanceof Error);
  t.is(error?.name, 'ScheduleError');
  t.is(error?.code, 'SCHEDULE_INVALID_DUE_TIME');
  t.is(error?.message, 'invalid dueTime "soon": expected a Go duration (1m30s), an ISO 8601 duration (PT1M30S) or an RFC 3339 timestamp');
});
