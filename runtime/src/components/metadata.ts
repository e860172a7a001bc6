import { parseGoDuration } from '../durations/index.js';
import { ComponentMetadataError } from './errors.js';

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'on', 't']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'off', 'f']);

/**
 * A component's `spec.metadata`, resolved to strings. Names are case-insensitive, as in Dapr,
 * and every typed read rejects a malformed value with the field's name, so a bad component
 * file fails at load with a message a user can act on.
 */
export class ComponentMetadata {
  readonly #values = new Map<string, string>();

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of entries) this.#values.set(name.toLowerCase(), value);
  }

  static from(record: Record<string, string>): ComponentMetadata {
    return new ComponentMetadata(Object.entries(record));
  }

  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }

  /** The raw value, or undefined when the field is absent or empty. */
  string(name: string): string | undefined {
    const value = this.#values.get(name.toLowerCase());
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new ComponentMetadataError(name, 'is required');
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (TRUE_WORDS.has(value)) return true;
    if (FALSE_WORDS.has(value)) return false;
    throw new ComponentMetadataError(name, `must be a boolean (true/false/1/0/yes/no/on/off), got "${value}"`);
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    if (!/^[-+]?\d+$/.test(value.trim())) throw new ComponentMetadataError(name, `must be an integer, got "${value}"`);
    const n = Number(value);
    if (range.min !== undefined && n < range.min) throw new ComponentMetadataError(name, `must be at least ${range.min}, got ${n}`);
    if (range.max !== undefined && n > range.max) throw new ComponentMetadataError(name, `must be at most ${range.max}, got ${n}`);
    return n;
  }

  /** A Go duration (`5s`, `1m30s`) or a whole number of seconds, in milliseconds. */
  durationMs(name: string, fallbackMs: number): number {
    const value = this.string(name);
    if (value === undefined) return fallbackMs;
    const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : parseGoDuration(value);
    if (ms === undefined || ms < 0) {
      throw new ComponentMetadataError(name, `must be a duration such as "5s" or "1m30s", got "${value}"`);
    }
    return ms;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (!match) throw new ComponentMetadataError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
    return match;
  }

  entries(): IterableIterator<[string, string]> {
    return this.#values.entries();
  }
}
