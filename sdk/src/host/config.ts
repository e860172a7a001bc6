/**
 * Per-type actor settings and the `GET /dapr/config` body they become. Every per-type entry
 * is written out in full (host defaults merged in), because daprd resets whatever an
 * `entitiesConfig` entry leaves out to its own defaults.
 */
import { toWireDuration, type Duration } from '../actors/durations.js';

export interface ReentrancySettings {
  readonly enabled: boolean;
  /** How deep one chain may re-enter; the sidecar's default (32) unless given. */
  readonly maxStackDepth?: number;
}

export interface ActorSettings {
  /** Deactivate an actor after this long without a turn (sidecar default: 1h). */
  readonly idleTimeout?: Duration;
  /** How long calls in flight may finish when an actor moves to another host. */
  readonly drainOngoingCallTimeout?: Duration;
  /** Whether to wait for calls in flight at all when an actor moves. */
  readonly drainRebalancedActors?: boolean;
  readonly reentrancy?: ReentrancySettings;
}

/** Dapr's `GET /dapr/config` body. */
export interface DaprActorConfig {
  readonly entities: string[];
  readonly actorIdleTimeout?: string;
  readonly drainOngoingCallTimeout?: string;
  readonly drainRebalancedActors?: boolean;
  readonly reentrancy?: { enabled: boolean; maxStackDepth?: number };
  readonly entitiesConfig?: Array<Omit<DaprActorConfig, 'entitiesConfig'>>;
}

export function checkSettings(settings: ActorSettings, scope: string): void {
  for (const field of ['idleTimeout', 'drainOngoingCallTimeout'] as const) {
    const value = settings[field];
    if (value !== undefined) toWireDuration(value, `${scope}: ${field}`);
  }
  const depth = settings.reentrancy?.maxStackDepth;
  if (depth !== undefined && !(Number.isInteger(depth) && depth > 0)) {
    throw new RangeError(`${scope}: reentrancy.maxStackDepth must be a positive integer, got ${depth}`);
  }
}

export function daprActorConfig(defaults: ActorSettings, types: ReadonlyMap<string, ActorSettings | undefined>): DaprActorConfig {
  const perType = [...types].filter((entry): entry is [string, ActorSettings] => entry[1] !== undefined);
  return {
    entities: [...types.keys()],
    ...wireSettings(defaults),
    ...(perType.length > 0
      ? { entitiesConfig: perType.map(([type, settings]) => ({ entities: [type], ...wireSettings(merge(defaults, settings)) })) }
      : {}),
  };
}

function merge(defaults: ActorSettings, settings: ActorSettings): ActorSettings {
  const reentrancy = settings.reentrancy ?? defaults.reentrancy;
  return { ...defaults, ...settings, ...(reentrancy ? { reentrancy: { ...defaults.reentrancy, ...reentrancy } } : {}) };
}

function wireSettings(settings: ActorSettings): Omit<DaprActorConfig, 'entities' | 'entitiesConfig'> {
  const { idleTimeout, drainOngoingCallTimeout, drainRebalancedActors, reentrancy } = settings;
  return {
    ...(idleTimeout !== undefined ? { actorIdleTimeout: toWireDuration(idleTimeout, 'idleTimeout') } : {}),
    ...(drainOngoingCallTimeout !== undefined ? { drainOngoingCallTimeout: toWireDuration(drainOngoingCallTimeout, 'drainOngoingCallTimeout') } : {}),
    ...(drainRebalancedActors !== undefined ? { drainRebalancedActors } : {}),
    ...(reentrancy ? { reentrancy: { enabled: reentrancy.enabled, ...(reentrancy.maxStackDepth !== undefined ? { maxStackDepth: reentrancy.maxStackDepth } : {}) } } : {}),
  };
}
