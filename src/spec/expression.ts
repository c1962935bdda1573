/**
 * The `${...}` mini-language of Serverless Devs (and `${env:X}` of the Serverless Framework used by SCF):
 * finding references inside a string and parsing one into a small AST. Evaluation lives in resolve.ts.
 */

/** One `${...}` occurrence: offsets of the whole reference within the string, and the text between the braces. */
export interface ReferenceSpan {
  start: number;
  end: number;
  source: string;
}

export type Expr =
  | { kind: 'path'; segments: (string | number)[] }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'literal'; value: string };

/** Finds `${...}` references, skipping braces and quotes nested inside them. Unterminated ones are plain text. */
export function scanReferences(text: string): ReferenceSpan[] {
  const spans: ReferenceSpan[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('${', from);
    if (start < 0) return spans;
    const end = closingBrace(text, start + 2);
    if (end < 0) return spans;
    spans.push({ start, end: end + 1, source: text.slice(start + 2, end) });
    from = end + 1;
  }
}

function closingBrace(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

const IDENT = /^[A-Za-z_$][\w$-]*/;

/** Parses the text between `${` and `}`; undefined when it is not an expression we understand. */
export function parseExpression(source: string): Expr | undefined {
  const p = new Parser(source);
  const expr = p.expression();
  return expr && p.atEnd() ? expr : undefined;
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    this.ws();
    return this.i >= this.s.length;
  }

  expression(): Expr | undefined {
    this.ws();
    const name = this.ident();
    if (name === undefined) return undefined;
    this.ws();
    if (this.peek() === '(') return this.call(name);
    // `${env:NAME}` is the Serverless Framework spelling used in SCF serverless.yml.
    if (name === 'env' && this.peek() === ':') {
      this.i++;
      const rest = this.s.slice(this.i).trim();
      this.i = this.s.length;
      return { kind: 'call', name: 'env', args: [{ kind: 'literal', value: rest }] };
    }
    return this.pathFrom(name);
  }

  private pathFrom(first: string): Expr | undefined {
    const segments: (string | number)[] = [first];
    for (;;) {
      const c = this.peek();
      if (c === '.') {
        this.i++;
        const digits = /^\d+/.exec(this.s.slice(this.i));
        const part = digits ? digits[0] : this.ident();
        if (part === undefined) return undefined;
        if (digits) this.i += part.length;
        segments.push(digits ? Number(part) : part);
      } else if (c === '[') {
        this.i++;
        this.ws();
        let key: string | number | undefined;
        if (this.peek() === "'" || this.peek() === '"') key = this.string();
        else {
          const digits = /^\d+/.exec(this.s.slice(this.i));
          if (digits) {
            key = Number(digits[0]);
            this.i += digits[0].length;
          }
        }
        this.ws();
        if (key === undefined || this.peek() !== ']') return undefined;
        this.i++;
        segments.push(key);
      } else {
        return { kind: 'path', segments };
      }
    }
  }

  private call(name: string): Expr | undefined {
    this.i++; // (
    const args: Expr[] = [];
    this.ws();
    if (this.peek() === ')') {
      this.i++;
      return { kind: 'call', name, args };
    }
    for (;;) {
      const arg = this.argument();
      if (!arg) return undefined;
      args.push(arg);
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === ')') return { kind: 'call', name, args };
      if (c !== ',') return undefined;
    }
  }

  /**
   * Quoted strings and nested calls are values; anything else up to `,` or `)` is literal text, because the
   * documented forms `env(X)`, `path(./fc.js)` and `config(AccountID)` all mean the bare text itself.
   */
  private argument(): Expr | undefined {
    this.ws();
    const c = this.peek();
    if (c === "'" || c === '"') {
      const value = this.string();
      return value === undefined ? undefined : { kind: 'literal', value };
    }
    const save = this.i;
    const name = this.ident();
    if (name !== undefined) {
      this.ws();
      if (this.peek() === '(') return this.call(name);
      this.i = save;
    }
    const bare = /^[^,)]*/.exec(this.s.slice(this.i))![0];
    this.i += bare.length;
    return bare.trim() ? { kind: 'literal', value: bare.trim() } : undefined;
  }

  private string(): string | undefined {
    const quote = this.s[this.i++];
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++];
      if (c === '\\' && this.i < this.s.length) out += this.s[this.i++];
      else if (c === quote) return out;
      else out += c;
    }
    return undefined;
  }

  private ident(): string | undefined {
    const m = IDENT.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }

  private peek(): string | undefined {
    return this.s[this.i];
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
}
