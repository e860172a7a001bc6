import test from 'ava';
import { ACTOR_DEFAULTS, parseActorAppConfig } from '../../../../runtime/src/actors/config/index.js';

test('parseActorAppConfig reads entities and global settings', (t) => {
  const config = parseActorAppConfig({
    entities: ['Counter', 'Account'],
    actorIdleTimeout: '1m',
    actorScanInterval: '30s',
    drainOngoingCallTimeout: '10s',
    drainRebalancedActors: false,
    reentrancy: { enabled: true, maxStackDepth: 8 },
    remindersStoragePartitions: 7,
  });
  t.deepEqual([...config.types.keys()], ['Counter', 'Account']);
  t.deepEqual(config.types.get('Counter'), {
    idleTimeoutMs: 60_000,
    drainOngoingCallTimeoutMs: 10_000,
    drainRebalancedActors: false,
    reentrancy: { enabled: true, maxStackDepth: 8 },
  });
  t.deepEqual(config.warnings, []);
});

test('parseActorAppConfig applies per-type settings over the globals', (t) => {
  const config = parseActorAppConfig({
    entities: ['A', 'B'],
    actorIdleTimeout: '5m',
    entitiesConfig: [{ entities: ['B', 'Ghost'], reentrancy: { enabled: true } }],
  });
  t.is(config.types.get('A')!.reentrancy.enabled, false);
  t.is(config.types.get('B')!.reentrancy.enabled, true);
  t.is(config.types.get('B')!.idleTimeoutMs, 300_000, 'inherits the global idle timeout');
  t.deepEqual(config.warnings, ['entitiesConfig names Ghost, which is not in entities; ignored']);
});

test('parseActorAppConfig falls back to defaults, with a warning, for bad durations', (t) => {
  const config = parseActorAppConfig({ entities: ['A'], actorIdleTimeout: 'soon' });
  t.is(config.types.get('A')!.idleTimeoutMs, ACTOR_DEFAULTS.idleTimeoutMs);
  t.regex(config.warnings[0]!, /actorIdleTimeout "soon"/);
});

test('parseActorAppConfig of an app without actors has no types', (t) => {
  t.is(parseActorAppConfig(undefined).types.size, 0);
  t.is(parseActorAppConfig({ entities: 'Counter' }).types.size, 0);
});
