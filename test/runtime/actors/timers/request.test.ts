import test from 'ava';
import { ApiError } from '../../../../runtime/src/errors/index.js';
import { counter, counterKey, timerHarness } from './helpers.js';

/** Registers `body` and returns the error, which must be Dapr's timer-create failure. */
function refusal(body: unknown): ApiError {
  const { service } = timerHarness();
  const error = (() => {
    try {
      service.register(counter, 't', body);
    } catch (err) {
      return err;
    }
    throw new Error('registered a timer that should have been refused');
  })();
  if (!(error instanceof ApiError)) throw error;
  if (service.timersOf(counterKey).length > 0) throw new Error('a refused timer was left behind');
  return error;
}

const cases: Array<[string, unknown, RegExp]> = [
  ['a bad dueTime', { dueTime: 'soon' }, /^error creating actor timer: invalid dueTime "soon": expected a Go duration/],
  ['repetitions in dueTime', { dueTime: 'R2/PT1S' }, /invalid dueTime "R2\/PT1S": repetitions \(R<n>\/\) are only allowed in period/],
  ['a bad period', { period: '1 sec' }, /^error creating actor timer: invalid period "1 sec": expected a Go duration/],
  ['R0', { period: 'R0/PT1S' }, /invalid period "R0\/PT1S": has zero repetitions/],
  ['a negative period', { period: '-1s' }, /invalid period "-1s": must not be negative/],
  ['a bad ttl', { ttl: 'forever' }, /invalid ttl "forever"/],
  ['a ttl before the due time', { dueTime: '10s', ttl: '2026-01-01T00:00:05Z' }, /invalid ttl "2026-01-01T00:00:05Z": has already expired: .* before the due time/],
  ['a ttl already past', { ttl: '2025-12-31T23:59:00Z' }, /invalid ttl "2025-12-31T23:59:00Z": has already expired: .* before now/],
  ['a number for dueTime', { dueTime: 5 }, /^error creating actor timer: invalid dueTime: expected a string, got a number$/],
  ['an object for callback', { callback: {} }, /invalid callback: expected a string, got an object$/],
  ['a boolean for period', { period: true }, /invalid period: expected a string, got a boolean$/],
  ['an array body', [1], /the request body must be a JSON object, got an array$/],
  ['a string body', 'PT1S', /the request body must be a JSON object, got a string$/],
];

for (const [what, body, message] of cases) {
  test(`refuses ${what} with ERR_ACTOR_TIMER_CREATE naming the field`, (t) => {
    const error = refusal(body);
    t.is(error.code, 'ERR_ACTOR_TIMER_CREATE');
    t.is(error.status, 500);
    t.regex(error.message, message);
  });
}

test('a refused re-registration leaves the existing timer running', async (t) => {
  const { clock, service, times } = timerHarness();
  service.register(counter, 'tick', { period: '1s' });
  t.throws(() => service.register(counter, 'tick', { period: 'R0/PT1S' }), { instanceOf: ApiError });
  await clock.advance(2000);
  t.deepEqual(times(), [0, 1000, 2000]);
});

test('null fields mean empty, and unknown fields are ignored', async (t) => {
  const { clock, service, fires } = timerHarness();
  service.register(counter, 't', { dueTime: null, period: null, ttl: null, callback: null, overwrite: false, extra: [1] });
  await clock.advance(0);
  t.is(fires[0]?.raw, '{"callback":"","dueTime":"","period":""}');
});
