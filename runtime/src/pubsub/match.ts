/**
 * Route rules' `match` expressions: the subset of CEL that subscription rules use in practice.
 * `event.<field>` paths (also `event["field"]`), string, number, bool and null literals,
 * `==`, `!=`, `<`, `<=`, `>`, `>=`, `!`, `&&`, `||` and parentheses. Anything else is refused
 * when the subscription is loaded, with the position, rather than mis-evaluated at delivery.
 */

export type Matcher = (event: Record<string, unknown>) => boolean;

export class MatchExpressionError extends Error {
  override readonly name = 'MatchExpressionError';
  constructor(
    readonly expression: string,
    readonly position: number,
    reason: string,
  ) {
    super(`match expression ${JSON.stringify(expression)}: ${reason} at position ${position + 1} (supported: event.<field> paths, literals, == != < <= > >=, !, &&, ||, parentheses)`);
  }
}

type Token =
  | { readonly kind: 'op'; readonly text: string; readonly at: number }
  | { readonly kind: 'ident'; readonly text: string; readonly at: number }
  | { readonly kind: 'literal'; readonly value: unknown; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

/** Evaluates to a value; a missing field is `Missing`, which compares false with everything. */
type Node = (event: Record<string, unknown>) => unknown;
const Missing = Symbol('missing');

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '.', '[', ']'];

export function compileMatch(expression: string): Matcher {
  const parser = new Parser(expression, tokenize(expression));
  const node = parser.parse();
  return (event) => node({ event }) === true;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const end = endOfString(text, i);
      tokens.push({ kind: 'literal', value: unescapeString(text.slice(i + 1, end)), at: i });
      i = end + 1;
    } else if (/[0-9]/.test(c)) {
      const number = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i))![0];
      tokens.push({ kind: 'literal', value: Number(number), at: i });
      i += number.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      const literals: Record<string, unknown> = { true: true, false: false, null: null };
      tokens.push(word in literals ? { kind: 'literal', value: literals[word], at: i } : { kind: 'ident', text: word, at: i });
      i += word.length;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) throw new MatchExpressionError(text, i, `unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: 'op', text: op, at: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === text[start]) return i;
  }
  throw new MatchExpressionError(text, start, 'unterminated string');
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r' };

function unescapeString(body: string): string {
  return body.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

class Parser {
  #next = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  parse(): Node {
    if (this.#peek().kind === 'end') throw this.#error('empty expression');
    const node = this.#or();
    if (this.#peek().kind !== 'end') throw this.#error('unexpected token');
    return node;
  }

  #or(): Node {
    let left = this.#and();
    while (this.#accept('||')) {
      const [l, r] = [left, this.#and()];
      left = (s) => l(s) === true || r(s) === true;
    }
    return left;
  }

  #and(): Node {
    let left = this.#unary();
    while (this.#accept('&&')) {
      const [l, r] = [left, this.#unary()];
      left = (s) => l(s) === true && r(s) === true;
    }
    return left;
  }

  #unary(): Node {
    if (!this.#accept('!')) return this.#comparison();
    const operand = this.#unary();
    return (s) => {
      const value = operand(s);
      return typeof value === 'boolean' ? !value : Missing;
    };
  }

  #comparison(): Node {
    const left = this.#primary();
    const op = this.#peek();
    if (op.kind !== 'op' || !['==', '!=', '<', '<=', '>', '>='].includes(op.text)) return left;
    this.#next++;
    const right = this.#primary();
    return (s) => compare(op.text, left(s), right(s));
  }

  #primary(): Node {
    const token = this.#peek();
    this.#next++;
    if (token.kind === 'literal') return () => token.value;
    if (token.kind === 'op' && token.text === '(') {
      const inner = this.#or();
      if (!this.#accept(')')) throw this.#error('expected ")"');
      return inner;
    }
    if (token.kind === 'ident') return this.#path(token);
    this.#next--;
    throw this.#error('expected a value, a field path or "("');
  }

  #path(root: Token & { kind: 'ident' }): Node {
    if (root.text !== 'event') throw new MatchExpressionError(this.text, root.at, `unknown name "${root.text}" (fields are read as event.<field>; functions are not supported)`);
    const fields: string[] = [];
    for (;;) {
      if (this.#accept('.')) fields.push(this.#field());
      else if (this.#accept('[')) fields.push(this.#indexField());
      else break;
    }
    if (this.#peek().kind === 'op' && (this.#peek() as { text: string }).text === '(') throw this.#error('function calls are not supported');
    return (s) => readPath(s['event'], fields);
  }

  #field(): string {
    const token = this.#peek();
    if (token.kind !== 'ident') throw this.#error('expected a field name');
    this.#next++;
    return token.text;
  }

  #indexField(): string {
    const token = this.#peek();
    if (token.kind !== 'literal' || typeof token.value !== 'string') throw this.#error('expected a quoted field name');
    this.#next++;
    if (!this.#accept(']')) throw this.#error('expected "]"');
    return token.value;
  }

  #accept(op: string): boolean {
    const token = this.#peek();
    if (token.kind === 'op' && token.text === op) {
      this.#next++;
      return true;
    }
    return false;
  }

  #peek(): Token {
    return this.tokens[this.#next]!;
  }

  #error(reason: string): MatchExpressionError {
    return new MatchExpressionError(this.text, this.#peek().at, reason);
  }
}

function readPath(root: unknown, fields: readonly string[]): unknown {
  let value = root;
  for (const field of fields) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, field)) return Missing;
    value = (value as Record<string, unknown>)[field];
  }
  return value;
}

function compare(op: string, left: unknown, right: unknown): boolean {
  if (left === Missing || right === Missing) return false;
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;
  const comparable = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (!comparable) return false;
  const [l, r] = [left as number | string, right as number | string];
  if (op === '<') return l < r;
  if (op === '<=') return l <= r;
  if (op === '>') return l > r;
  return l >= r;
}
