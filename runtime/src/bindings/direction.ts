/**
 * Dapr's `direction` metadata (`input`, `output`, `input, output`). Without it a binding gets
 * every face its type has, and the sidecar asks the app (`OPTIONS /{route}`) whether it wants
 * the input; with it, only the named faces exist and a named input needs no asking.
 */
export interface Directions {
  readonly input: boolean;
  readonly output: boolean;
  /** `direction` names `input`: deliver without probing the app first. */
  readonly declaredInput: boolean;
}

const WORDS = ['input', 'output'] as const;

/** Undefined or empty means "not set". Throws a TypeError naming the unknown word. */
export function parseDirections(value: string | undefined): Directions {
  if (value === undefined || value.trim() === '') return { input: true, output: true, declaredInput: false };
  const words = value.split(',').map((w) => w.trim().toLowerCase());
  const unknown = words.find((w) => !(WORDS as readonly string[]).includes(w));
  if (unknown !== undefined) throw new TypeError(`must be "input", "output" or "input, output", got "${value}"`);
  const input = words.includes('input');
  return { input, output: words.includes('output'), declaredInput: input };
}
