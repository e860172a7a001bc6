import test from 'ava';
import { PLACEMENT_DEFAULTS, startPlacement } from '../../placement/src/index.js';
import { resolveOptions } from '../../placement/src/options.js';

test('options default as documented; resyncGraceMs follows hostTimeoutMs', (t) => {
  const resolved = resolveOptions({});
  t.like(resolved, { port: 0, host: '127.0.0.1', replicationFactor: 100, hostTimeoutMs: 3_000, disseminationTimeoutMs: 5_000, coalesceWindowMs: 0, registrationTimeoutMs: 5_000, resyncGraceMs: 3_000 });
  t.is(resolved.maxMessageBytes, PLACEMENT_DEFAULTS.maxMessageBytes);
  t.is(resolveOptions({ hostTimeoutMs: 900 }).resyncGraceMs, 900);
  t.is(resolveOptions({ hostTimeoutMs: 900, resyncGraceMs: 0 }).resyncGraceMs, 0);
  t.is(resolveOptions({ replicationFactor: undefined }).replicationFactor, 100);
});

const invalid: Array<[string, Parameters<typeof resolveOptions>[0], RegExp]> = [
  ['a port out of range', { port: 70_000 }, /port/],
  ['an empty host', { host: '' }, /host/],
  ['a replication factor of 0', { replicationFactor: 0 }, /replicationFactor/],
  ['a fractional replication factor', { replicationFactor: 1.5 }, /replicationFactor/],
  ['a host timeout too short to ping within', { hostTimeoutMs: 2 }, /hostTimeoutMs/],
  ['a zero dissemination timeout', { disseminationTimeoutMs: 0 }, /disseminationTimeoutMs/],
  ['a negative coalesce window', { coalesceWindowMs: -1 }, /coalesceWindowMs/],
  ['a zero registration timeout', { registrationTimeoutMs: 0 }, /registrationTimeoutMs/],
  ['a negative resync grace', { resyncGraceMs: -5 }, /resyncGraceMs/],
  ['a message limit too small for a register', { maxMessageBytes: 100 }, /maxMessageBytes/],
  ['a timer past setTimeout’s range', { disseminationTimeoutMs: 2 ** 31 }, /disseminationTimeoutMs/],
  ['a coalesce window as long as the dissemination timeout', { coalesceWindowMs: 5_000, disseminationTimeoutMs: 5_000 }, /coalesceWindowMs .* shorter than disseminationTimeoutMs/],
];

for (const [title, options, message] of invalid) {
  test(`startPlacement rejects ${title} with a TypeError`, async (t) => {
    await t.throwsAsync(startPlacement(options), { instanceOf: TypeError, message });
  });
}
