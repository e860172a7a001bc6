/**
 * Lock keys, by Dapr's rules (pkg/components/lock/lock_config.go), so Outrigger and daprd
 * contend for the same locks: `lock||<prefix>||<resourceId>`, the prefix from component
 * metadata `keyPrefix`: `appid` (default) → the app id, `name` → the store name, `none` → no
 * prefix (`lock||<resourceId>`), anything else → that text.
 */
const SEPARATOR = '||';

export function lockKeyPrefix(setting: string | undefined, ids: { appId: string; storeName: string }): string {
  const value = setting ?? 'appid';
  switch (value.toLowerCase()) {
    case 'appid':
      return ids.appId;
    case 'name':
      return ids.storeName;
    case 'none':
      return '';
    default:
      return value;
  }
}

/** Throws when the prefix or the id contains `||`, so one app cannot reach another's locks. */
export function lockKey(prefix: string, resourceId: string): string {
  for (const part of [prefix, resourceId]) {
    if (part.includes(SEPARATOR)) throw new Error(`input key/keyPrefix '${part}' can't contain '${SEPARATOR}'`);
  }
  return prefix === '' ? `lock${SEPARATOR}${resourceId}` : `lock${SEPARATOR}${prefix}${SEPARATOR}${resourceId}`;
}
