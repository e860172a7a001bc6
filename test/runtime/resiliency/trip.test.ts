import test from 'ava';
import { parseTrip, TripExpressionError, type BreakerCounts } from '../../../runtime/src/resiliency/index.js';

const counts = (c: Partial<BreakerCounts>): BreakerCounts => ({ requests: 0, totalSuccesses: 0, totalFailures: 0, consecutiveSuccesses: 0, consecutiveFailures: 0, ...c });

test('a comparison trips once the count passes it', (t) => {
  const trip = parseTrip('consecutiveFailures > 5');
  t.false(trip(counts({ consecutiveFailures: 5 })));
  t.true(trip(counts({ consecutiveFailures: 6 })));
});

test('every comparison operator means what it says', (t) => {
  const at = counts({ totalFailures: 3 });
  const results = ['>=', '<=', '==', '!=', '<', '>'].map((op) => parseTrip(`totalFailures ${op} 3`)(at));
  t.deepEqual(results, [true, true, true, false, false, false]);
});

test('&& binds tighter than ||, and parentheses group', (t) => {
  const some = counts({ requests: 10, totalFailures: 2, consecutiveFailures: 0 });
  t.true(parseTrip('consecutiveFailures > 3 || requests >= 10 && totalFailures > 1')(some));
  t.false(parseTrip('(consecutiveFailures > 3 || requests >= 10) && totalFailures > 5')(some));
  t.true(parseTrip('(requests > 5 && totalFailures >= 2)')(some));
});

test('numbers may stand on the left', (t) => {
  t.true(parseTrip('3 < consecutiveSuccesses')(counts({ consecutiveSuccesses: 4 })));
});

test('unknown names, missing operands and stray text are refused with the expression named', (t) => {
  for (const [text, expected] of [
    ['failures > 5', /"failures" is neither a number nor one of requests/],
    ['consecutiveFailures >', /ends too early/],
    ['consecutiveFailures > 5 extra', /unexpected "extra"/],
    ['consecutiveFailures', /expected a comparison/],
    ['(consecutiveFailures > 5', /not closed/],
    ['consecutiveFailures > 5.5', /unexpected "\.5"|unexpected/],
    ['consecutiveFailures + 1 > 5', /unexpected "\+ 1 > 5"/],
  ] as const) {
    const error = t.throws(() => parseTrip(text), { instanceOf: TripExpressionError });
    t.regex(error.message, expected, text);
    t.true(error.message.includes(text), text);
  }
});
