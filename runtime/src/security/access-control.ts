/**
 * Access control for service invocation: the Configuration's `spec.accessControl`, applied by
 * the callee's sidecar to each invocation that arrives over a peer link. The caller is the
 * link's identity (its certificate's with mTLS), never a header the caller sets.
 */
import { DEFAULT_TRUST_DOMAIN } from '@outrigger/placement';

export type Action = 'allow' | 'deny';

export interface OperationRule {
  /** Lower-case, with a leading `/`; `*` matches within one segment, `**` across segments. */
  readonly name: string;
  readonly pattern: RegExp;
  /** Upper-case verbs; `*` for any. */
  readonly verbs: readonly string[];
  readonly action: Action;
}

export interface AppPolicy {
  readonly appId: string;
  readonly trustDomain: string;
  readonly namespace: string;
  readonly defaultAction: Action | undefined;
  readonly operations: readonly OperationRule[];
}

export interface AccessControlSpec {
  readonly defaultAction: Action;
  readonly trustDomain: string;
  readonly policies: readonly AppPolicy[];
}

/** Who calls: the peer link's identity. Without mTLS the trust domain is the default one. */
export interface Caller {
  readonly appId: string;
  readonly namespace: string;
  readonly trustDomain?: string | undefined;
}

export interface Decision {
  readonly allowed: boolean;
  /** What decided it, for the error message and the log. */
  readonly reason: string;
}

/**
 * Decides one invocation. Precedence, as Dapr's: the action of an operation that matches the
 * path and verb, then the caller's policy `defaultAction`, then the global `defaultAction`. A
 * policy whose trust domain or namespace is not the caller's does not apply.
 */
export function decideAccess(spec: AccessControlSpec, caller: Caller, operation: { path: string; verb: string }): Decision {
  const global = { allowed: spec.defaultAction === 'allow', reason: `the global defaultAction ${spec.defaultAction}` };
  const policy = spec.policies.find((p) => p.appId === caller.appId);
  if (!policy) return global;
  if (policy.trustDomain !== (caller.trustDomain ?? DEFAULT_TRUST_DOMAIN) || policy.namespace !== caller.namespace) return global;
  const path = `/${operation.path.replace(/^\/+/, '')}`.toLowerCase();
  const verb = operation.verb.toUpperCase();
  const rule = policy.operations.find((r) => r.pattern.test(path));
  if (rule && (rule.verbs.includes('*') || rule.verbs.includes(verb))) {
    return { allowed: rule.action === 'allow', reason: `operation ${rule.name} ${verb} of the policy for ${policy.appId}: ${rule.action}` };
  }
  if (policy.defaultAction) return { allowed: policy.defaultAction === 'allow', reason: `the defaultAction of the policy for ${policy.appId}: ${policy.defaultAction}` };
  return global;
}

/** Parses `spec.accessControl`; `fail` throws with the file's name. */
export function parseAccessControl(raw: unknown, fail: (reason: string) => never): AccessControlSpec {
  const spec = objectOf(raw, 'accessControl', fail);
  const trustDomain = optionalString(spec['trustDomain'], 'accessControl.trustDomain', fail) ?? DEFAULT_TRUST_DOMAIN;
  // Dapr's standalone loader reads the file over a default of allow, so an omitted global action allows.
  const defaultAction = actionOf(spec['defaultAction'], 'accessControl.defaultAction', fail) ?? 'allow';
  const rawPolicies = spec['policies'] ?? [];
  if (!Array.isArray(rawPolicies)) fail('accessControl.policies must be a list');
  const policies = (rawPolicies as unknown[]).map((p, i) => parsePolicy(p, `accessControl.policies[${i}]`, fail));
  return { defaultAction, trustDomain, policies };
}

function parsePolicy(raw: unknown, where: string, fail: (reason: string) => never): AppPolicy {
  const policy = objectOf(raw, where, fail);
  const appId = optionalString(policy['appId'], `${where}.appId`, fail) ?? fail(`${where}.appId is required`);
  const rawOperations = policy['operations'] ?? [];
  if (!Array.isArray(rawOperations)) fail(`${where}.operations must be a list`);
  return {
    appId,
    trustDomain: optionalString(policy['trustDomain'], `${where}.trustDomain`, fail) ?? DEFAULT_TRUST_DOMAIN,
    namespace: optionalString(policy['namespace'], `${where}.namespace`, fail) ?? 'default',
    defaultAction: actionOf(policy['defaultAction'], `${where}.defaultAction`, fail),
    operations: (rawOperations as unknown[]).map((o, i) => parseOperation(o, `${where}.operations[${i}]`, fail)),
  };
}

function parseOperation(raw: unknown, where: string, fail: (reason: string) => never): OperationRule {
  const operation = objectOf(raw, where, fail);
  const name = optionalString(operation['name'], `${where}.name`, fail) ?? fail(`${where}.name is required`);
  const verbs = operation['httpVerb'] ?? ['*'];
  if (!Array.isArray(verbs) || !verbs.every((v) => typeof v === 'string')) fail(`${where}.httpVerb must be a list of verbs`);
  const action = actionOf(operation['action'], `${where}.action`, fail) ?? fail(`${where}.action is required (allow or deny)`);
  const normalised = `/${name.replace(/^\/+/, '')}`.toLowerCase();
  return { name: normalised, pattern: patternOf(normalised), verbs: (verbs as string[]).map((v) => v.toUpperCase()), action };
}

/** `**` spans segments, `*` stays within one; everything else is literal. */
function patternOf(name: string): RegExp {
  const body = name
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

function objectOf(raw: unknown, where: string, fail: (reason: string) => never): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${where} must be a mapping`);
  return raw as Record<string, unknown>;
}

function optionalString(raw: unknown, where: string, fail: (reason: string) => never): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || raw === '') fail(`${where} must be a non-empty string`);
  return raw as string;
}

function actionOf(raw: unknown, where: string, fail: (reason: string) => never): Action | undefined {
  if (raw === undefined || raw === null) return undefined;
  const action = typeof raw === 'string' ? raw.toLowerCase() : raw;
  if (action !== 'allow' && action !== 'deny') fail(`${where} must be allow or deny, got ${JSON.stringify(raw)}`);
  return action as Action;
}
