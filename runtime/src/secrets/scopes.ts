/**
 * Per-app secret scoping: Configuration `spec.secrets.scopes`, with Dapr's rules. For a store
 * with a scope: a non-empty `allowedSecrets` admits only those; otherwise `deniedSecrets` are
 * refused, and the rest follow `defaultAccess` (allow unless set to deny). A store without a
 * scope admits everything.
 */
export interface SecretScope {
  readonly storeName: string;
  readonly defaultAccess: 'allow' | 'deny';
  readonly allowedSecrets: readonly string[];
  readonly deniedSecrets: readonly string[];
}

export function isSecretAllowed(scope: SecretScope | undefined, key: string): boolean {
  if (!scope) return true;
  if (scope.allowedSecrets.length > 0) return scope.allowedSecrets.includes(key);
  if (scope.deniedSecrets.includes(key)) return false;
  return scope.defaultAccess === 'allow';
}

/** Reads `spec.secrets` of a Configuration; `fail` raises the caller's error with the reason. */
export function parseSecretScopes(raw: unknown, fail: (reason: string) => never): SecretScope[] {
  if (raw === undefined || raw === null) return [];
  const scopes = (raw as { scopes?: unknown }).scopes ?? [];
  if (typeof raw !== 'object' || !Array.isArray(scopes)) return fail('spec.secrets.scopes must be a list');
  return scopes.map((item, i) => parseScope(item, `spec.secrets.scopes[${i}]`, fail));
}

function parseScope(item: unknown, path: string, fail: (reason: string) => never): SecretScope {
  const scope = (typeof item === 'object' && item !== null ? item : fail(`${path} must be a mapping`)) as Record<string, unknown>;
  const storeName = typeof scope['storeName'] === 'string' && scope['storeName'] !== '' ? scope['storeName'] : fail(`${path}.storeName is required`);
  const access = scope['defaultAccess'] ?? 'allow';
  if (access !== 'allow' && access !== 'deny') return fail(`${path}.defaultAccess must be allow or deny, got ${JSON.stringify(access)}`);
  return {
    storeName,
    defaultAccess: access,
    allowedSecrets: names(scope['allowedSecrets'], `${path}.allowedSecrets`, fail),
    deniedSecrets: names(scope['deniedSecrets'], `${path}.deniedSecrets`, fail),
  };
}

function names(raw: unknown, path: string, fail: (reason: string) => never): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || !raw.every((n) => typeof n === 'string')) return fail(`${path} must be a list of secret names`);
  return raw;
}
