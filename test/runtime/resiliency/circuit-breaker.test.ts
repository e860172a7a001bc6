import test from 'ava';
import { ManualClock } from '../../../runtime/src/clock/index.js';
import { CircuitBreaker, CircuitOpenError, parseTrip, type CircuitBreakerSpec } from '../../../runtime/src/resiliency/index.js';

function breaker(overrides: Partial<CircuitBreakerSpec> = {}) {
  const clock = new ManualClock();
  const states: string[] = [];
  const spec = { maxRequests: 1, intervalMs: 0, timeoutMs: 30_000, trip: parseTrip('consecutiveFailures > 2'), ...overrides };
  return { clock, states, breaker: new CircuitBreaker(spec, clock, (s) => states.push(s)) };
}

const fail = (b: CircuitBreaker, times = 1) => {
  for (let i = 0; i < times; i++) b.admit()('failed');
};

test('a closed breaker opens when the trip expression holds, and then refuses calls', (t) => {
  const { breaker: b, states } = breaker();
  fail(b, 2);
  t.is(b.state, 'closed');
  fail(b);
  t.is(b.state, 'open');
  t.deepEqual(states, ['open']);
  const error = t.throws(() => b.admit(), { instanceOf: CircuitOpenError });
  t.is(error.message, 'circuit breaker is open');
});

test('a success in between resets the consecutive failures', (t) => {
  const { breaker: b } = breaker();
  fail(b, 2);
  b.admit()('succeeded');
  fail(b, 2);
  t.is(b.state, 'closed');
});

test('an open breaker turns half-open after its timeout and lets maxRequests calls through', (t) => {
  const { breaker: b, clock } = breaker({ maxRequests: 2 });
  fail(b, 3);
  clock.advance(29_999);
  t.is(b.state, 'open');
  clock.advance(1);
  t.is(b.state, 'half-open');
  const first = b.admit();
  const second = b.admit();
  t.is(t.throws(() => b.admit(), { instanceOf: CircuitOpenError }).message, 'too many requests');
  first('succeeded');
  t.is(b.state, 'half-open');
  second('succeeded');
  t.is(b.state, 'closed');
});

test('a failure while half-open opens the breaker again for another timeout', (t) => {
  const { breaker: b, clock, states } = breaker();
  fail(b, 3);
  clock.advance(30_000);
  fail(b);
  t.is(b.state, 'open');
  clock.advance(29_000);
  t.throws(() => b.admit(), { instanceOf: CircuitOpenError });
  t.deepEqual(states, ['open', 'half-open', 'open']);
});

test('the interval clears the counts of a closed breaker', (t) => {
  const { breaker: b, clock } = breaker({ intervalMs: 10_000 });
  fail(b, 2);
  clock.advance(10_000);
  fail(b, 2);
  t.is(b.state, 'closed');
  fail(b);
  t.is(b.state, 'open');
});

test('results of calls admitted before a state change are ignored', (t) => {
  const { breaker: b, clock } = breaker();
  const late = b.admit();
  fail(b, 3);
  clock.advance(30_000);
  t.is(b.state, 'half-open');
  late('succeeded');
  t.is(b.state, 'half-open');
});

test('a cancelled call gives its half-open slot back', (t) => {
  const { breaker: b, clock } = breaker();
  fail(b, 3);
  clock.advance(30_000);
  b.admit()('cancelled');
  b.admit()('succeeded');
  t.is(b.state, 'closed');
});
