/**
 * Starts an in-process placement for a test with short timeouts, a log that can be asserted
 * on, and a record of completed rounds; it is closed when the test ends.
 */
import { startPlacement, type Placement, type PlacementLogger, type PlacementOptions, type RoundComplete } from '../../../placement/src/index.js';
import type { Owner } from '../../harness/cleanup.js';
import { waitUntil } from '../../harness/eventually.js';
import type { FakeSidecar } from './fake-sidecar.js';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string | undefined;
}

export interface TestPlacement extends Placement {
  readonly rounds: RoundComplete[];
  readonly log: LogLine[];
}

/**
 * Timeouts for tests that exercise them. Fake sidecars share the test's process, so a stall of
 * that process (a loaded CI machine) delays their pongs and acks too: tests that do not test a
 * timeout keep the roomier TEST_TIMINGS, so no healthy fake is dropped by accident.
 */
export const SHORT_TIMINGS = { hostTimeoutMs: 300, disseminationTimeoutMs: 500, registrationTimeoutMs: 500 } as const;
export const TEST_TIMINGS = { hostTimeoutMs: 2_000, disseminationTimeoutMs: 2_000, registrationTimeoutMs: 2_000 } as const;

export async function startTestPlacement(t: Owner, options: PlacementOptions = {}): Promise<TestPlacement> {
  const log: LogLine[] = [];
  const line = (level: LogLine['level']) => (obj: object, msg?: string) => log.push({ level, obj, msg });
  const logger: PlacementLogger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  const placement = await startPlacement({ port: 0, ...TEST_TIMINGS, logger, ...options });
  t.teardown(() => placement.close());
  const rounds: RoundComplete[] = [];
  placement.events.on('round-complete', (round) => rounds.push(round));
  return Object.assign(placement, { rounds, log });
}

/** Waits until every sidecar committed a table of exactly these members (any version). */
export async function waitForTable(sidecars: readonly FakeSidecar[], members: readonly FakeSidecar[], timeoutMs = 5_000): Promise<void> {
  const expected = members.map((s) => s.hostId).sort().join(',');
  await waitUntil(
    `${sidecars.length} sidecar(s) committed [${expected}]`,
    () => sidecars.every((s) => s.committed?.hostIds.join(',') === expected),
    { timeoutMs },
  );
}

/**
 * Waits until the placement completed a round with exactly these members. Sidecars commit when
 * the commit arrives, the placement counts the round done when their acks arrive: after
 * waitForTable, the round-complete event may still be on its way.
 */
export async function waitForRound(placement: TestPlacement, members: readonly FakeSidecar[], namespace = ''): Promise<void> {
  const expected = members.map((s) => s.hostId).sort().join(',');
  await waitUntil(`the placement completed a round of [${expected}]`, () => lastRound(placement, namespace)?.members.join(',') === expected);
}

/** The last round of a namespace that completed, if any. */
export function lastRound(placement: TestPlacement, namespace = ''): RoundComplete | undefined {
  return placement.rounds.filter((r) => r.namespace === namespace).at(-1);
}

/** Whether a warning whose message contains `text` was logged. */
export function warned(placement: TestPlacement, text: string): boolean {
  return placement.log.some((l) => l.level === 'warn' && (l.msg ?? '').includes(text));
}
