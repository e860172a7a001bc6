import test from 'ava';
import { formatGoDuration, parseGoDuration } from '../../../runtime/src/durations/index.js';

test('parseGoDuration reads Go duration strings', (t) => {
  t.is(parseGoDuration('1h30m'), 5_400_000);
  t.is(parseGoDuration('1.5s'), 1500);
  t.is(parseGoDuration('500ms'), 500);
  t.is(parseGoDuration('2m3s4ms'), 123_004);
  t.is(parseGoDuration('-5s'), -5000);
  t.is(parseGoDuration('0'), 0);
  t.is(parseGoDuration('1000us'), 1);
});

test('parseGoDuration refuses anything else', (t) => {
  for (const bad of ['', '5', '5 s', '1d', 's', '1h-5m', 'PT1M']) t.is(parseGoDuration(bad), undefined, bad);
});

test('formatGoDuration prints as Go does', (t) => {
  t.is(formatGoDuration(0), '0s');
  t.is(formatGoDuration(500), '500ms');
  t.is(formatGoDuration(90_000), '1m30s');
  t.is(formatGoDuration(3_600_000), '1h0m0s');
  t.is(formatGoDuration(1500), '1.5s');
});
