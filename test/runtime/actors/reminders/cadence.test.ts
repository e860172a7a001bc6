import test from 'ava';
import { DEFAULT_RETRY, nextOccurrence, retryDelay } from '../../../../runtime/src/actors/reminders/index.js';
import { parseSchedule } from '../../../../runtime/src/durations/index.js';

const T0 = Date.UTC(2030, 0, 31);
const MIN = 60_000;

test('on time, the next fire is the previous scheduled time plus the period', (t) => {
  const schedule = parseSchedule({ period: '1m' }, T0);
  t.is(nextOccurrence(schedule, T0, 1, T0 + 5_000), T0 + MIN);
});

test('after downtime the missed fires are skipped: the next is the first scheduled time from now on', (t) => {
  const schedule = parseSchedule({ period: '1m' }, T0);
  t.is(nextOccurrence(schedule, T0, 1, T0 + 10 * MIN + 1), T0 + 11 * MIN);
  t.is(nextOccurrence(schedule, T0, 1, T0 + 10 * MIN), T0 + 10 * MIN);
});

test('skipping is arithmetic, not a loop over every missed fire', (t) => {
  const schedule = parseSchedule({ period: '1ms' }, T0);
  const year = 365 * 24 * 60 * MIN;
  t.is(nextOccurrence(schedule, T0, 1, T0 + year + 0.5), T0 + year + 1);
});

test('calendar periods skip by calendar steps', (t) => {
  const schedule = parseSchedule({ period: 'P1M' }, T0);
  const fourMonthsLater = Date.UTC(2030, 4, 15);
  const next = nextOccurrence(schedule, T0, 1, fourMonthsLater);
  t.true(next !== undefined && next >= fourMonthsLater && next - fourMonthsLater <= 31 * 24 * 60 * MIN, new Date(next ?? 0).toISOString());
});

test('skipped fires do not use up repetitions; the last one still ends the reminder', (t) => {
  const schedule = parseSchedule({ period: 'R3/PT1M' }, T0);
  t.is(nextOccurrence(schedule, T0, 1, T0 + 30 * MIN + 1), T0 + 31 * MIN);
  t.is(nextOccurrence(schedule, T0 + 31 * MIN, 3, T0 + 31 * MIN), undefined);
});

test('a skip that lands past the ttl ends the reminder', (t) => {
  const schedule = parseSchedule({ period: '1m', ttl: '10m' }, T0);
  t.is(nextOccurrence(schedule, T0, 1, T0 + 9 * MIN + 1), T0 + 10 * MIN);
  t.is(nextOccurrence(schedule, T0, 1, T0 + 10 * MIN + 1), undefined);
});

test('a one-shot reminder has no next fire', (t) => {
  t.is(nextOccurrence(parseSchedule({ dueTime: '1m' }, T0), T0 + MIN, 1, T0 + 2 * MIN), undefined);
});

test('the retry backoff doubles from 1 s to a 60 s cap, 10 attempts in all', (t) => {
  t.deepEqual(
    Array.from({ length: 9 }, (_, i) => retryDelay(DEFAULT_RETRY, i + 1)),
    [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000],
  );
  t.is(DEFAULT_RETRY.maxAttempts, 10);
});
