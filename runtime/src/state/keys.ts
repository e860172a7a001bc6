import { apiErrors } from '../errors/index.js';

/**
 * How a store's keys are prefixed, from component metadata `keyPrefix` (Dapr's rules):
 * `appid` (default) → `<appId>||key`, `name` → `<store>||key`, `namespace` →
 * `<namespace>.<appId>||key`, `none` → the key as is, anything else → `<that>||key`.
 */
export interface KeyPrefixRule {
  /** The prefix with its `||` separator, or '' for `none`. */
  readonly prefix: string;
}

export function keyPrefixRule(setting: string | undefined, ids: { appId: string; storeName: string; namespace?: string | undefined }): KeyPrefixRule {
  const value = setting ?? 'appid';
  switch (value.toLowerCase()) {
    case 'appid':
      return withSeparator(ids.appId);
    case 'name':
      return withSeparator(ids.storeName);
    case 'namespace':
      return withSeparator(ids.namespace ? `${ids.namespace}.${ids.appId}` : ids.appId);
    case 'none':
      return { prefix: '' };
    default:
      return withSeparator(value);
  }
}

function withSeparator(prefix: string): KeyPrefixRule {
  if (prefix.includes('||')) throw apiErrors.stateIllegalKey(prefix);
  return { prefix: `${prefix}||` };
}

/** The key as stored; a key containing `||` is refused so prefixes cannot be forged. */
export function storedKey(rule: KeyPrefixRule, key: string): string {
  if (key.includes('||')) throw apiErrors.stateIllegalKey(key);
  return rule.prefix + key;
}
