import { parseGoDuration } from '../../durations/index.js';

/** How one actor type behaves, after per-type settings are applied over the app's globals. */
export interface ActorTypeSettings {
  readonly idleTimeoutMs: number;
  readonly drainOngoingCallTimeoutMs: number;
  readonly drainRebalancedActors: boolean;
  readonly reentrancy: { readonly enabled: boolean; readonly maxStackDepth: number };
}

/** What the app declares in `GET /dapr/config`. */
export interface ActorAppConfig {
  readonly types: ReadonlyMap<string, ActorTypeSettings>;
  /** Settings the app gave that were ignored, with the reason, for one warning each. */
  readonly warnings: readonly string[];
}

export const ACTOR_DEFAULTS: ActorTypeSettings = {
  idleTimeoutMs: 60 * 60_000,
  drainOngoingCallTimeoutMs: 2000,
  drainRebalancedActors: true,
  reentrancy: { enabled: false, maxStackDepth: 32 },
};

/**
 * Reads the app's actor configuration as Dapr does. `actorScanInterval` and
 * `remindersStoragePartitions` are accepted and ignored. Unlike Dapr, a per-type entry inherits
 * the app's global settings for whatever it does not set (Dapr resets those to defaults).
 */
export function parseActorAppConfig(body: unknown): ActorAppConfig {
  const warnings: string[] = [];
  const config = isRecord(body) ? body : {};
  const entities = Array.isArray(config['entities']) ? config['entities'].filter((e): e is string => typeof e === 'string' && e !== '') : [];
  const global = settingsFrom(config, ACTOR_DEFAULTS, 'app', warnings);
  const perType = new Map<string, ActorTypeSettings>();
  for (const entry of Array.isArray(config['entitiesConfig']) ? config['entitiesConfig'] : []) {
    if (!isRecord(entry) || !Array.isArray(entry['entities'])) continue;
    for (const type of entry['entities']) {
      if (typeof type !== 'string') continue;
      if (!entities.includes(type)) warnings.push(`entitiesConfig names ${type}, which is not in entities; ignored`);
      else perType.set(type, settingsFrom(entry, global, type, warnings));
    }
  }
  return { types: new Map(entities.map((type) => [type, perType.get(type) ?? global])), warnings };
}

function settingsFrom(source: Record<string, unknown>, base: ActorTypeSettings, scope: string, warnings: string[]): ActorTypeSettings {
  const duration = (field: string, fallback: number): number => {
    const raw = source[field];
    if (raw === undefined || raw === null || raw === '') return fallback;
    const ms = typeof raw === 'string' ? parseGoDuration(raw) : undefined;
    if (ms === undefined || ms <= 0) {
      warnings.push(`${scope}: ${field} ${JSON.stringify(raw)} is not a positive Go duration; using the default`);
      return fallback;
    }
    return ms;
  };
  const reentrancy = isRecord(source['reentrancy']) ? source['reentrancy'] : {};
  const depth = reentrancy['maxStackDepth'];
  return {
    idleTimeoutMs: duration('actorIdleTimeout', base.idleTimeoutMs),
    drainOngoingCallTimeoutMs: duration('drainOngoingCallTimeout', base.drainOngoingCallTimeoutMs),
    drainRebalancedActors: typeof source['drainRebalancedActors'] === 'boolean' ? source['drainRebalancedActors'] : base.drainRebalancedActors,
    reentrancy: {
      enabled: typeof reentrancy['enabled'] === 'boolean' ? reentrancy['enabled'] : base.reentrancy.enabled,
      maxStackDepth: typeof depth === 'number' && Number.isInteger(depth) && depth > 0 ? depth : base.reentrancy.maxStackDepth,
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the composition root needs to ask the app: one GET to its channel. */
export interface AppCaller {
  call(request: { verb: string; path: string; query: string; headers: Record<string, string>; body: Buffer }): Promise<{ status: number; body: Buffer }>;
}

/**
 * `GET /dapr/config` on the app, once it listens. A 404 (or anything but a 200) means the app
 * hosts no actors; a 200 that is not JSON is reported as a warning and hosts none either.
 */
export async function fetchActorAppConfig(app: AppCaller): Promise<ActorAppConfig> {
  const response = await app.call({ verb: 'GET', path: 'dapr/config', query: '', headers: {}, body: Buffer.alloc(0) });
  if (response.status !== 200) return { types: new Map(), warnings: [] };
  try {
    return parseActorAppConfig(JSON.parse(response.body.toString('utf8')));
  } catch {
    return { types: new Map(), warnings: ['GET /dapr/config answered 200 with a body that is not JSON; no actor types hosted'] };
  }
}
