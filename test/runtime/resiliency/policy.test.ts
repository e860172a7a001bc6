import test from 'ava';
import { ManualClock } from '../../../runtime/src/clock/index.js';
import { CircuitBreaker, CircuitOpenError, parseTrip, Policy, PolicyTimeoutError, type PolicyParts, type RetrySpec } from '../../../runtime/src/resiliency/index.js';

const constant = (maxRetries: number, extra: Partial<RetrySpec> = {}): RetrySpec => ({ policy: 'constant', durationMs: 100, maxIntervalMs: 60_000, maxRetries, ...extra });

/** A policy whose waits are recorded and take no time. */
function policy(parts: PolicyParts, random = () => 0.5) {
  const waits: number[] = [];
  return { waits, policy: new Policy(parts, { wait: async (ms) => void waits.push(ms), random }) };
}

/** An operation that fails `failures` times, then answers `ok`. */
function flaky(failures: number) {
  let calls = 0;
  const operation = async () => {
    calls++;
    if (calls <= failures) throw new Error(`failure ${calls}`);
    return 'ok';
  };
  return { operation, calls: () => calls };
}

test('a constant retry policy retries after its duration until the operation succeeds', async (t) => {
  const { policy: p, waits } = policy({ retry: constant(3) });
  const op = flaky(2);
  t.is(await p.run(op.operation), 'ok');
  t.deepEqual(waits, [100, 100]);
});

test('retries stop at maxRetries and the last error is thrown', async (t) => {
  const { policy: p } = policy({ retry: constant(2) });
  const op = flaky(5);
  await t.throwsAsync(p.run(op.operation), { message: 'failure 3' });
  t.is(op.calls(), 3);
});

test('maxRetries -1 retries without limit', async (t) => {
  const { policy: p } = policy({ retry: constant(-1) });
  const op = flaky(50);
  t.is(await p.run(op.operation), 'ok');
  t.is(op.calls(), 51);
});

test('an exponential policy grows by half each time, with jitter, up to maxInterval', (t) => {
  const spec: RetrySpec = { policy: 'exponential', durationMs: 0, maxIntervalMs: 1000, maxRetries: -1 };
  const middle = policy({ retry: spec }, () => 0.5).policy;
  t.deepEqual([0, 1, 2, 3, 4].map((r) => middle.delayMs(r)), [500, 750, 1000, 1000, 1000]);
  const low = policy({ retry: spec }, () => 0).policy;
  t.is(low.delayMs(0), 250);
  const high = policy({ retry: spec }, () => 1).policy;
  t.is(high.delayMs(0), 750);
});

test('a failed result is retried and, once retries are spent, returned as it is', async (t) => {
  const { policy: p } = policy({ retry: constant(2) });
  let calls = 0;
  const result = await p.run(async () => ({ status: 500, call: ++calls }), { isFailure: (r) => r.status >= 500 });
  t.deepEqual(result, { status: 500, call: 3 });
});

test('matching status codes limit which failed results are retried', async (t) => {
  const { policy: p } = policy({ retry: constant(5, { retriesStatus: (s) => s === 503 }) });
  const statuses = [503, 503, 500, 200];
  const seen: number[] = [];
  const result = await p.run(async () => statuses[seen.push(statuses[seen.length]!) - 1]!, { isFailure: (s) => s >= 500, statusOf: (s) => s });
  t.is(result, 500);
  t.deepEqual(seen, [503, 503, 500]);
});

test('answers are neither retried nor failures', async (t) => {
  const clock = new ManualClock();
  const breaker = new CircuitBreaker({ maxRequests: 1, intervalMs: 0, timeoutMs: 1000, trip: parseTrip('consecutiveFailures > 0') }, clock);
  const { policy: p } = policy({ retry: constant(3), breakers: [breaker] });
  const op = flaky(5);
  await t.throwsAsync(p.run(op.operation, { isAnswer: () => true }), { message: 'failure 1' });
  t.is(op.calls(), 1);
  t.is(breaker.state, 'closed');
});

test('a timeout cuts each attempt and aborts its signal', async (t) => {
  const { policy: p } = policy({ timeoutMs: 20, retry: constant(1) });
  const aborted: unknown[] = [];
  const hang = (signal: AbortSignal) => new Promise<never>(() => signal.addEventListener('abort', () => aborted.push(signal.reason)));
  const error = await t.throwsAsync(p.run(hang), { instanceOf: PolicyTimeoutError });
  t.is(error.message, 'timed out after 20ms (resiliency timeout policy)');
  t.is(aborted.length, 2);
});

test('a breaker that opens ends the run at its next attempt, without further retries', async (t) => {
  const clock = new ManualClock();
  const breaker = new CircuitBreaker({ maxRequests: 1, intervalMs: 0, timeoutMs: 1000, trip: parseTrip('consecutiveFailures >= 2') }, clock);
  const { policy: p, waits } = policy({ retry: constant(10), breakers: [breaker] });
  const op = flaky(100);
  await t.throwsAsync(p.run(op.operation), { instanceOf: CircuitOpenError });
  t.is(op.calls(), 2);
  t.deepEqual(waits, [100, 100]);
});

test('with two breakers a call passes only if both admit it, and a refusal hands the other slot back', async (t) => {
  const clock = new ManualClock();
  const spec = { maxRequests: 1, intervalMs: 0, timeoutMs: 1000, trip: parseTrip('consecutiveFailures >= 1') };
  const [shared, own] = [new CircuitBreaker(spec, clock), new CircuitBreaker(spec, clock)];
  await t.throwsAsync(policy({ breakers: [own] }).policy.run(flaky(1).operation));
  clock.advance(1000);
  t.is(own.state, 'half-open');
  const both = policy({ breakers: [own, shared] }).policy;
  await t.throwsAsync(policy({ breakers: [shared] }).policy.run(flaky(1).operation));
  await t.throwsAsync(both.run(async () => 'never'), { instanceOf: CircuitOpenError });
  t.is(await policy({ breakers: [own] }).policy.run(async () => 'ok'), 'ok');
  t.is(own.state, 'closed');
});

test('aborting the run stops the waits between retries', async (t) => {
  const controller = new AbortController();
  const p = new Policy({ retry: constant(-1, { durationMs: 60_000 }) });
  const op = flaky(100);
  const running = p.run(op.operation, { signal: controller.signal });
  setImmediate(() => controller.abort());
  await t.throwsAsync(running, { message: 'failure 1' });
});
