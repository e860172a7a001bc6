/**
 * Actor keys as the lock and its wait-for graph name actors: `type||id`, Dapr's separator, so
 * a key can never be confused with an id that contains `/`. Messages show `type/id`.
 */
const SEPARATOR = '||';

export function actorKey(type: string, id: string): string {
  return `${type}${SEPARATOR}${id}`;
}

/** The actor type of a key; the whole key if it has no separator. */
export function actorTypeOf(key: string): string {
  const at = key.indexOf(SEPARATOR);
  return at < 0 ? key : key.slice(0, at);
}

/** `Counter||a` → `Counter/a`, for messages. */
export function describeActorKey(key: string): string {
  const at = key.indexOf(SEPARATOR);
  return at < 0 ? key : `${key.slice(0, at)}/${key.slice(at + SEPARATOR.length)}`;
}
