/**
 * Subscriptions as Dapr defines them: the app's `GET /dapr/subscribe` answer (v1 `route` or
 * v2 `routes`) and Subscription resources (`dapr.io/v1alpha1`, `dapr.io/v2alpha1`). Both end
 * as the same `Subscription`: ordered rules whose matches are compiled at load time.
 */
import { parseAllDocuments } from 'yaml';
import { compileMatch, type Matcher } from './match.js';

export type SubscriptionKind = 'PROGRAMMATIC' | 'DECLARATIVE';

export interface RouteRule {
  /** As written; empty for the default route. */
  readonly match: string;
  /** Undefined: matches every event (the default route). */
  readonly matches: Matcher | undefined;
  readonly path: string;
}

export interface BulkSubscribeOptions {
  readonly maxMessagesCount: number;
  readonly maxAwaitDurationMs: number;
}

export interface Subscription {
  readonly pubsubName: string;
  readonly topic: string;
  readonly rules: readonly RouteRule[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly deadLetterTopic: string | undefined;
  /** Set when the app takes batches (`bulkSubscribe.enabled`). */
  readonly bulk: BulkSubscribeOptions | undefined;
  readonly kind: SubscriptionKind;
}

/** A subscription that cannot be used; the message names where it came from. */
export class SubscriptionError extends Error {
  override readonly name = 'SubscriptionError';
}

/** Dapr's defaults for bulk subscribe (pkg/runtime/pubsub/default_bulksub.go). */
const BULK_DEFAULTS: BulkSubscribeOptions = { maxMessagesCount: 100, maxAwaitDurationMs: 1000 };

/**
 * The subscriptions in a `GET /dapr/subscribe` answer. An entry that cannot be used is left out
 * with a warning, so one bad entry does not cost the app its other subscriptions.
 */
export function parseProgrammaticSubscriptions(answer: unknown): { subscriptions: Subscription[]; warnings: string[] } {
  if (!Array.isArray(answer)) return { subscriptions: [], warnings: ['GET /dapr/subscribe did not answer with a JSON array; no subscriptions'] };
  const subscriptions: Subscription[] = [];
  const warnings: string[] = [];
  answer.forEach((entry, i) => {
    try {
      subscriptions.push(toSubscription(entry, 'PROGRAMMATIC'));
    } catch (err) {
      warnings.push(`GET /dapr/subscribe entry ${i}: ${(err as Error).message}; ignored`);
    }
  });
  return { subscriptions, warnings };
}

/** The Subscription resources of one YAML text that apply to `appId` (by `scopes`). */
export function parseDeclarativeSubscriptions(text: string, source: string, appId: string): Subscription[] {
  const subscriptions: Subscription[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new SubscriptionError(`${source}: invalid YAML: ${doc.errors[0]!.message}`);
    const resource: unknown = doc.toJS();
    if (!isRecord(resource) || resource['kind'] !== 'Subscription') continue;
    const version = resource['apiVersion'];
    if (version !== 'dapr.io/v1alpha1' && version !== 'dapr.io/v2alpha1') continue;
    const name = isRecord(resource['metadata']) ? String(resource['metadata']['name'] ?? '') : '';
    const scopes = resource['scopes'];
    if (Array.isArray(scopes) && scopes.length > 0 && !scopes.includes(appId)) continue;
    try {
      subscriptions.push(toSubscription(resource['spec'], 'DECLARATIVE'));
    } catch (err) {
      throw new SubscriptionError(`${source}: subscription "${name}": ${(err as Error).message}`);
    }
  }
  return subscriptions;
}

function toSubscription(entry: unknown, kind: SubscriptionKind): Subscription {
  if (!isRecord(entry)) throw new SubscriptionError('must be an object');
  const pubsubName = requiredString(entry, 'pubsubname');
  const topic = requiredString(entry, 'topic');
  const rules = routeRules(entry);
  if (rules.length === 0) throw new SubscriptionError(`topic ${topic} has no route: set "route" or "routes"`);
  const deadLetterTopic = entry['deadLetterTopic'];
  return {
    pubsubName,
    topic,
    rules,
    metadata: stringMap(entry['metadata']),
    deadLetterTopic: typeof deadLetterTopic === 'string' && deadLetterTopic !== '' ? deadLetterTopic : undefined,
    bulk: bulkOptions(entry['bulkSubscribe']),
    kind,
  };
}

/** Rules in order, then the default (or v1 `route`) as the match-all last rule. */
function routeRules(entry: Record<string, unknown>): RouteRule[] {
  const routes = isRecord(entry['routes']) ? entry['routes'] : {};
  const rules: RouteRule[] = [];
  const listed = routes['rules'] ?? [];
  if (!Array.isArray(listed)) throw new SubscriptionError('routes.rules must be a list');
  for (const rule of listed) {
    if (!isRecord(rule) || typeof rule['path'] !== 'string') throw new SubscriptionError('every rule needs a "path"');
    const match = typeof rule['match'] === 'string' ? rule['match'].trim() : '';
    rules.push({ match, matches: match === '' ? undefined : compileMatch(match), path: rule['path'] });
  }
  const fallback = typeof routes['default'] === 'string' && routes['default'] !== '' ? routes['default'] : entry['route'];
  if (typeof fallback === 'string' && fallback !== '') rules.push({ match: '', matches: undefined, path: fallback });
  return rules;
}

function bulkOptions(value: unknown): BulkSubscribeOptions | undefined {
  if (!isRecord(value) || !(value['enabled'] === true || value['enabled'] === 'true')) return undefined;
  return {
    maxMessagesCount: positiveInt(value['maxMessagesCount'], BULK_DEFAULTS.maxMessagesCount),
    maxAwaitDurationMs: positiveInt(value['maxAwaitDurationMs'], BULK_DEFAULTS.maxAwaitDurationMs),
  };
}

function positiveInt(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function requiredString(entry: Record<string, unknown>, field: string): string {
  const value = entry[field];
  if (typeof value !== 'string' || value === '') throw new SubscriptionError(`"${field}" is required`);
  return value;
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The route for an event: the first rule that matches, else undefined. */
export function routeFor(subscription: Subscription, event: Record<string, unknown>): string | undefined {
  return subscription.rules.find((rule) => rule.matches === undefined || rule.matches(event))?.path;
}

/** True when `rawPayload` is set on the subscription. */
export function isRawPayload(metadata: Readonly<Record<string, string>>): boolean {
  // The JS SDK JSON-encodes metadata values, so a string "true" arrives with its quotes.
  const value = (metadata['rawPayload'] ?? '').replace(/^"(.*)"$/, '$1').toLowerCase();
  return ['true', '1', 'yes', 'on', 't', 'y'].includes(value);
}
