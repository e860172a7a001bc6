/** Request metadata that several bindings read the same way. */

/**
 * `ttlInSeconds` from an output request: a whole number of seconds, or undefined when absent.
 * A malformed value is refused before anything is written.
 */
export function requestTtlSeconds(metadata: Readonly<Record<string, string>>): number | undefined {
  const text = metadata['ttlInSeconds'];
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new Error(`incorrect value for metadata 'ttlInSeconds': ${text} is not an integer`);
  return Number(text);
}
