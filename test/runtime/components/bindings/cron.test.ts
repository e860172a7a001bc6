import test from 'ava';
import { goUtcString, parseCronSchedule } from '../../../../runtime/src/components/bindings/cron.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

test('@every fires a whole number of seconds after the previous fire, at least one', (t) => {
  t.is(iso(parseCronSchedule('@every 15s').next(at('2026-01-01T00:00:00.400Z'))), '2026-01-01T00:00:15.000Z');
  t.is(iso(parseCronSchedule('@every 1h30m').next(at('2026-01-01T00:00:00Z'))), '2026-01-01T01:30:00.000Z');
  t.is(iso(parseCronSchedule('@every 300ms').next(at('2026-01-01T00:00:00Z'))), '2026-01-01T00:00:01.000Z');
});

test('six fields start with seconds', (t) => {
  t.is(iso(parseCronSchedule('*/10 * * * * *').next(at('2026-01-01T00:00:01Z'))), '2026-01-01T00:00:10.000Z');
  t.is(iso(parseCronSchedule('0 30 * * * *').next(at('2026-01-01T00:00:01Z'))), '2026-01-01T00:30:00.000Z');
});

test('five fields start with minutes', (t) => {
  t.is(iso(parseCronSchedule('5 * * * *').next(at('2026-01-01T00:00:01Z'))), '2026-01-01T00:05:00.000Z');
});

test('descriptors fire at the top of their period', (t) => {
  const zoned = (spec: string) => iso(parseCronSchedule(`CRON_TZ=UTC ${spec}`).next(at('2026-03-04T05:06:07Z')));
  t.is(zoned('@hourly'), '2026-03-04T06:00:00.000Z');
  t.is(zoned('@daily'), '2026-03-05T00:00:00.000Z');
  t.is(zoned('@midnight'), '2026-03-05T00:00:00.000Z');
  t.is(zoned('@monthly'), '2026-04-01T00:00:00.000Z');
  t.is(zoned('@yearly'), '2027-01-01T00:00:00.000Z');
});

test('a CRON_TZ prefix sets the zone the fields are read in', (t) => {
  t.is(iso(parseCronSchedule('CRON_TZ=Asia/Tokyo 0 0 9 * * *').next(at('2026-01-01T01:00:00Z'))), '2026-01-02T00:00:00.000Z');
});

test('bad schedules are refused with the reason', (t) => {
  t.throws(() => parseCronSchedule('@every soon'), { message: /failed to parse duration/ });
  t.throws(() => parseCronSchedule('@fortnightly'), { message: /unrecognized descriptor/ });
  t.throws(() => parseCronSchedule('* * *'));
  t.throws(() => parseCronSchedule('61 * * * * *'));
  t.throws(() => parseCronSchedule('CRON_TZ=Mars/Olympus * * * * *'), { message: /bad location/ });
});

test('readTimeUTC is written as Go prints a UTC time', (t) => {
  t.is(goUtcString(at('2026-01-02T03:04:05.120Z')), '2026-01-02 03:04:05.12 +0000 UTC');
  t.is(goUtcString(at('2026-01-02T03:04:05Z')), '2026-01-02 03:04:05 +0000 UTC');
});
