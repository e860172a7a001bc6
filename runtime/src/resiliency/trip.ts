/**
 * A circuit breaker's `trip` expression: the part of CEL that Dapr users write, comparisons of
 * the breaker's counts with whole numbers joined by `&&` and `||`, with parentheses. Anything
 * else is refused when the resource is read, never when the breaker first fails.
 */

/** The breaker's counts since it last cleared them (gobreaker's names, as Dapr exposes them). */
export interface BreakerCounts {
  readonly requests: number;
  readonly totalSuccesses: number;
  readonly totalFailures: number;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
}

export type TripCondition = (counts: BreakerCounts) => boolean;

const COUNT_NAMES = new Set<string>(['requests', 'totalSuccesses', 'totalFailures', 'consecutiveSuccesses', 'consecutiveFailures']);
const COMPARISONS: Record<string, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};
const TOKEN = /\s*(>=|<=|==|!=|&&|\|\||[><()]|\d+|[A-Za-z_]\w*)/y;

export class TripExpressionError extends Error {
  override readonly name = 'TripExpressionError';
}

/** Compiles `consecutiveFailures > 5 || totalFailures >= 10`; throws TripExpressionError. */
export function parseTrip(text: string): TripCondition {
  const parser = new TripParser(tokenise(text), text);
  const condition = parser.disjunction();
  parser.expectEnd();
  return condition;
}

function tokenise(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (text.slice(TOKEN.lastIndex).trim() === '') break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new TripExpressionError(`trip "${text}": unexpected "${text.slice(at).trim()}"`);
    tokens.push(match[1]!);
  }
  return tokens;
}

class TripParser {
  #at = 0;
  constructor(
    private readonly tokens: readonly string[],
    private readonly text: string,
  ) {}

  disjunction(): TripCondition {
    let left = this.#conjunction();
    while (this.#take('||')) {
      const [a, b] = [left, this.#conjunction()];
      left = (counts) => a(counts) || b(counts);
    }
    return left;
  }

  expectEnd(): void {
    if (this.#at < this.tokens.length) this.#fail(`unexpected "${this.tokens[this.#at]}"`);
  }

  #conjunction(): TripCondition {
    let left = this.#term();
    while (this.#take('&&')) {
      const [a, b] = [left, this.#term()];
      left = (counts) => a(counts) && b(counts);
    }
    return left;
  }

  #term(): TripCondition {
    if (this.#take('(')) {
      const inner = this.disjunction();
      if (!this.#take(')')) this.#fail('a "(" is not closed');
      return inner;
    }
    const left = this.#operand();
    const operator = this.tokens[this.#at++];
    const compare = operator === undefined ? undefined : COMPARISONS[operator];
    if (!compare) return this.#fail(`expected a comparison (>, >=, <, <=, ==, !=) after "${this.tokens[this.#at - 2]}"`);
    const right = this.#operand();
    return (counts) => compare(left(counts), right(counts));
  }

  #operand(): (counts: BreakerCounts) => number {
    const token = this.tokens[this.#at++];
    if (token !== undefined && /^\d+$/.test(token)) return () => Number(token);
    if (token !== undefined && COUNT_NAMES.has(token)) return (counts) => counts[token as keyof BreakerCounts];
    return this.#fail(
      token === undefined ? 'the expression ends too early' : `"${token}" is neither a number nor one of ${[...COUNT_NAMES].join(', ')}`,
    );
  }

  #take(token: string): boolean {
    if (this.tokens[this.#at] !== token) return false;
    this.#at++;
    return true;
  }

  #fail(reason: string): never {
    throw new TripExpressionError(`trip "${this.text}": ${reason}`);
  }
}
