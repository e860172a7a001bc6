/**
 * Resiliency resources (`kind: Resiliency`, `apiVersion: dapr.io/v1alpha1`) as Dapr defines
 * them: named timeouts, retries and circuit breakers under `spec.policies`, and the targets that
 * use them by name under `spec.targets`. Every document that applies to the app (its `scopes`)
 * is merged into one spec; anything invalid is refused with the file and the policy named.
 */
import { parseAllDocuments } from 'yaml';
import { parseGoDuration } from '../durations/index.js';
import type { CircuitBreakerSpec } from './circuit-breaker.js';
import type { RetrySpec } from './policy.js';
import { parseTrip, TripExpressionError } from './trip.js';

export interface PolicyNames {
  readonly timeout?: string | undefined;
  readonly retry?: string | undefined;
  readonly circuitBreaker?: string | undefined;
}

export type ActorBreakerScope = 'type' | 'id' | 'both';

export interface ActorPolicyNames extends PolicyNames {
  readonly circuitBreakerScope: ActorBreakerScope;
  /** How many per-id breakers are kept (least recently used go first). */
  readonly circuitBreakerCacheSize: number;
}

export interface ComponentPolicyNames {
  readonly outbound?: PolicyNames | undefined;
  readonly inbound?: PolicyNames | undefined;
}

export interface ResiliencySpec {
  readonly timeouts: Map<string, number>;
  readonly retries: Map<string, RetrySpec>;
  readonly circuitBreakers: Map<string, CircuitBreakerSpec>;
  readonly apps: Map<string, PolicyNames>;
  readonly actors: Map<string, ActorPolicyNames>;
  readonly components: Map<string, ComponentPolicyNames>;
}

export class ResiliencyError extends Error {
  override readonly name = 'ResiliencyError';
}

const API_VERSION = 'dapr.io/v1alpha1';
const DEFAULT_TRIP = 'consecutiveFailures > 5';
const DEFAULT_ACTOR_BREAKER_CACHE = 5000;

export function emptySpec(): ResiliencySpec {
  return { timeouts: new Map(), retries: new Map(), circuitBreakers: new Map(), apps: new Map(), actors: new Map(), components: new Map() };
}

/** Adds the Resiliency documents of one YAML text that apply to `appId` to `into`. */
export function parseResiliencyDocuments(text: string, source: string, appId: string, into: ResiliencySpec): void {
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ResiliencyError(`${source}: invalid YAML: ${doc.errors[0]!.message}`);
    const resource: unknown = doc.toJS();
    if (!isRecord(resource) || resource['kind'] !== 'Resiliency' || resource['apiVersion'] !== API_VERSION) continue;
    const name = isRecord(resource['metadata']) ? String(resource['metadata']['name'] ?? '') : '';
    const fail = (reason: string): never => {
      throw new ResiliencyError(`resiliency "${name}" in ${source}: ${reason}`);
    };
    if (!inScope(resource['scopes'], appId, fail)) continue;
    const spec = isRecord(resource['spec']) ? resource['spec'] : fail('spec is missing');
    readPolicies(sectionOf(spec, 'policies', ['timeouts', 'retries', 'circuitBreakers'], fail), into, fail);
    readTargets(sectionOf(spec, 'targets', ['apps', 'actors', 'components'], fail), into, fail);
  }
}

/** Checks that every name a target uses is a policy; run once all documents are read. */
export function checkReferences(spec: ResiliencySpec): void {
  const check = (where: string, names: PolicyNames | undefined) => {
    if (!names) return;
    const missing = (kind: string, name: string | undefined, known: Map<string, unknown>) => {
      if (name !== undefined && !known.has(name)) throw new ResiliencyError(`resiliency target ${where}: there is no ${kind} policy named "${name}"`);
    };
    missing('timeout', names.timeout, spec.timeouts);
    missing('retry', names.retry, spec.retries);
    missing('circuit breaker', names.circuitBreaker, spec.circuitBreakers);
  };
  for (const [app, names] of spec.apps) check(`apps.${app}`, names);
  for (const [type, names] of spec.actors) check(`actors.${type}`, names);
  for (const [component, { outbound, inbound }] of spec.components) {
    check(`components.${component}.outbound`, outbound);
    check(`components.${component}.inbound`, inbound);
  }
}

type Fail = (reason: string) => never;

function inScope(scopes: unknown, appId: string, fail: Fail): boolean {
  if (scopes === undefined || scopes === null) return true;
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) return fail('scopes must be a list of app ids');
  return scopes.length === 0 || scopes.includes(appId);
}

function readPolicies(policies: Record<string, unknown>, into: ResiliencySpec, fail: Fail): void {
  for (const [name, value] of entriesOf(policies['timeouts'], 'spec.policies.timeouts', fail)) {
    const ms = duration(value, `timeout policy "${name}"`, undefined, fail);
    if (ms === 0) fail(`timeout policy "${name}" must be longer than 0`);
    add(into.timeouts, name, ms, 'timeout policy', fail);
  }
  for (const [name, value] of entriesOf(policies['retries'], 'spec.policies.retries', fail)) {
    add(into.retries, name, retryOf(name, value, fail), 'retry policy', fail);
  }
  for (const [name, value] of entriesOf(policies['circuitBreakers'], 'spec.policies.circuitBreakers', fail)) {
    add(into.circuitBreakers, name, breakerOf(name, value, fail), 'circuit breaker policy', fail);
  }
}

function retryOf(name: string, value: unknown, fail: Fail): RetrySpec {
  const where = `retry policy "${name}"`;
  const fields = isRecord(value) ? value : fail(`${where} must be a mapping`);
  const policy = fields['policy'] ?? 'constant';
  if (policy !== 'constant' && policy !== 'exponential') return fail(`${where}: policy must be "constant" or "exponential", got ${JSON.stringify(policy)}`);
  const maxRetries = integer(fields['maxRetries'], -1, `${where}: maxRetries`, fail);
  if (maxRetries < -1) return fail(`${where}: maxRetries must be -1 (no limit), 0 or more, got ${maxRetries}`);
  const matching = isRecord(fields['matching']) ? fields['matching'] : {};
  if (matching['gRPCStatusCodes'] !== undefined) statusMatcher(matching['gRPCStatusCodes'], 0, 16, `${where}: matching.gRPCStatusCodes`, fail);
  const retriesStatus = matching['httpStatusCodes'] === undefined ? undefined : statusMatcher(matching['httpStatusCodes'], 100, 599, `${where}: matching.httpStatusCodes`, fail);
  return {
    policy,
    durationMs: duration(fields['duration'], `${where}: duration`, 5000, fail),
    maxIntervalMs: duration(fields['maxInterval'], `${where}: maxInterval`, 60_000, fail),
    maxRetries,
    ...(retriesStatus ? { retriesStatus } : {}),
  };
}

function breakerOf(name: string, value: unknown, fail: Fail): CircuitBreakerSpec {
  const where = `circuit breaker policy "${name}"`;
  const fields = isRecord(value) ? value : fail(`${where} must be a mapping`);
  const maxRequests = integer(fields['maxRequests'], 1, `${where}: maxRequests`, fail);
  if (maxRequests < 1) return fail(`${where}: maxRequests must be 1 or more, got ${maxRequests}`);
  let trip;
  try {
    trip = parseTrip(String(fields['trip'] ?? DEFAULT_TRIP));
  } catch (err) {
    if (err instanceof TripExpressionError) return fail(`${where}: ${err.message}`);
    throw err;
  }
  return {
    maxRequests,
    intervalMs: duration(fields['interval'], `${where}: interval`, 0, fail),
    timeoutMs: duration(fields['timeout'], `${where}: timeout`, 60_000, fail),
    trip,
  };
}

function readTargets(targets: Record<string, unknown>, into: ResiliencySpec, fail: Fail): void {
  for (const [app, value] of entriesOf(targets['apps'], 'spec.targets.apps', fail)) {
    add(into.apps, app, namesOf(value, `targets.apps.${app}`, fail), 'apps target', fail);
  }
  for (const [type, value] of entriesOf(targets['actors'], 'spec.targets.actors', fail)) {
    add(into.actors, type, actorNamesOf(value, `targets.actors.${type}`, fail), 'actors target', fail);
  }
  for (const [component, value] of entriesOf(targets['components'], 'spec.targets.components', fail)) {
    const where = `targets.components.${component}`;
    const fields = isRecord(value) ? value : fail(`${where} must be a mapping with outbound and/or inbound`);
    const directions = {
      outbound: fields['outbound'] === undefined ? undefined : namesOf(fields['outbound'], `${where}.outbound`, fail),
      inbound: fields['inbound'] === undefined ? undefined : namesOf(fields['inbound'], `${where}.inbound`, fail),
    };
    add(into.components, component, directions, 'components target', fail);
  }
}

function namesOf(value: unknown, where: string, fail: Fail): PolicyNames {
  const fields = isRecord(value) ? value : fail(`${where} must be a mapping of timeout, retry and circuitBreaker names`);
  const name = (key: string) => {
    const v = fields[key];
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : fail(`${where}.${key} must be a policy name`);
  };
  return { timeout: name('timeout'), retry: name('retry'), circuitBreaker: name('circuitBreaker') };
}

function actorNamesOf(value: unknown, where: string, fail: Fail): ActorPolicyNames {
  const names = namesOf(value, where, fail);
  const fields = value as Record<string, unknown>;
  const scope = fields['circuitBreakerScope'] ?? 'type';
  if (scope !== 'type' && scope !== 'id' && scope !== 'both') return fail(`${where}.circuitBreakerScope must be type, id or both, got ${JSON.stringify(scope)}`);
  const cacheSize = integer(fields['circuitBreakerCacheSize'], DEFAULT_ACTOR_BREAKER_CACHE, `${where}.circuitBreakerCacheSize`, fail);
  if (cacheSize < 1) return fail(`${where}.circuitBreakerCacheSize must be 1 or more, got ${cacheSize}`);
  return { ...names, circuitBreakerScope: scope, circuitBreakerCacheSize: cacheSize };
}

/** `"429,500-599"`: single codes and inclusive ranges, each within [min, max]. */
function statusMatcher(value: unknown, min: number, max: number, where: string, fail: Fail): (status: number) => boolean {
  const ranges = String(value)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const match = /^(\d+)(?:-(\d+))?$/.exec(part);
      const [from, to] = match ? [Number(match[1]), Number(match[2] ?? match[1])] : [NaN, NaN];
      if (!(from >= min && to <= max && from <= to)) return fail(`${where}: "${part}" is not a code or range within ${min}-${max}`);
      return [from, to] as const;
    });
  return (status) => ranges.some(([from, to]) => status >= from && status <= to);
}

/** `spec.policies` or `spec.targets`; a misspelt key inside would silently apply nothing, so it is refused. */
function sectionOf(spec: Record<string, unknown>, key: string, known: readonly string[], fail: Fail): Record<string, unknown> {
  const section = spec[key];
  if (section === undefined || section === null) return {};
  if (!isRecord(section)) return fail(`spec.${key} must be a mapping`);
  const unknown = Object.keys(section).find((k) => !known.includes(k));
  if (unknown !== undefined) fail(`spec.${key}.${unknown} is not one of ${known.join(', ')}`);
  return section;
}

function entriesOf(value: unknown, where: string, fail: Fail): Array<[string, unknown]> {
  if (value === undefined || value === null) return [];
  return isRecord(value) ? Object.entries(value) : fail(`${where} must be a mapping of names to definitions`);
}

function add<T>(map: Map<string, T>, name: string, value: T, kind: string, fail: Fail): void {
  if (map.has(name)) fail(`${kind} "${name}" is defined twice (Resiliency documents are merged; names must be unique)`);
  map.set(name, value);
}

function duration(value: unknown, where: string, fallback: number | undefined, fail: Fail): number {
  if ((value === undefined || value === null || value === '') && fallback !== undefined) return fallback;
  const ms = parseGoDuration(String(value ?? ''));
  if (ms === undefined || ms < 0) return fail(`${where} must be a duration such as "5s" or "500ms", got ${JSON.stringify(value)}`);
  return ms;
}

function integer(value: unknown, fallback: number, where: string, fail: Fail): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) ? n : fail(`${where} must be a whole number, got ${JSON.stringify(value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
