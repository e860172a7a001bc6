/**
 * Reading what a caller addressed: the target (`app` or `app.namespace`), the method path and
 * the verb, normalised as Dapr does. Used on both sides of a remote call: the callee checks
 * again what a peer sent.
 */
import { posix } from 'node:path';
import { apiErrors } from '../errors/index.js';

/** The namespace of a sidecar started without one, as in Dapr's self-hosted mode. */
export const DEFAULT_NAMESPACE = 'default';

export interface Target {
  readonly appId: string;
  /** Absent when the caller named no namespace: the caller's own. */
  readonly namespace: string | undefined;
}

export function parseTarget(target: string): Target {
  const parts = target.split('.');
  if (parts.length > 2 || parts.some((p) => p === '')) throw apiErrors.invokeFailed(target, 'invalid app id');
  return { appId: parts[0]!, namespace: parts[1] };
}

/** Dapr resolves dot segments, strips a leading `../` and refuses control characters. */
export function normaliseMethod(target: string, method: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(method)) throw apiErrors.invokeInvalidMethod(target, 'control characters are not allowed');
  const resolved = posix.normalize(`/${method}`).replace(/^(\/\.\.)+/, '');
  return resolved.replace(/^\/+/, '');
}

const VERBS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE']);

/** Unknown verbs become POST, as in Dapr. */
export function normaliseVerb(verb: string): string {
  const upper = verb.toUpperCase();
  return VERBS.has(upper) ? upper : 'POST';
}
