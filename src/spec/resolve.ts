import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, Node, Scalar } from 'yaml';
import { SourceRange } from './model';
import { Expr, parseExpression, ReferenceSpan, scanReferences } from './expression';
import { FileAccess } from './fileAccess';
import { MAX_NODES, ParsedFile, scalarKey, YamlPath } from './parse';

/** What one `${...}` turned into. Only `resolved` outcomes replace the text; the others leave it as written. */
export type Outcome =
  | { status: 'resolved'; value: unknown }
  | { status: 'unresolved' | 'deploy-time' | 'env-unset'; message: string; hint?: string };

/** Which map holds the project's components: `services` (1.0.0) or `resources` (3.0.0). */
export type Collection = 'services' | 'resources';

const DEPLOY_TIME_FUNCTIONS = new Set(['config', 'secret', 'regex']);

/**
 * Evaluates `${...}` against one parsed file. Values are produced from YAML nodes on demand, so a reference is
 * reported at the exact characters it occupies, and a value referring to another keeps that value's type
 * when it is the whole string (`service: ${vars.service}` yields the object).
 */
export class Resolver {
  private readonly inProgress = new Set<Node>();
  /** Nodes visited by the outermost resolveNode() under way: each value gets the whole MAX_NODES budget. */
  private visited = 0;
  private depth = 0;
  private reportedExpansion = false;

  constructor(
    private readonly parsed: ParsedFile,
    private readonly collection: Collection | undefined,
    private readonly env: Record<string, string | undefined>,
    private readonly files: FileAccess,
  ) {}

  /** The resolved value at a document path; `scope` is the component key `this` refers to. */
  value(at: YamlPath, scope?: string): unknown {
    return this.resolveNode(this.parsed.node(at), scope);
  }

  resolveNode(input: unknown, scope: string | undefined): unknown {
    if (this.depth === 0) this.visited = 0;
    this.depth++;
    try {
      return this.resolveCounted(input, scope);
    } finally {
      this.depth--;
    }
  }

  private resolveCounted(input: unknown, scope: string | undefined): unknown {
    const node = this.parsed.deref(input);
    if (node === undefined) return undefined;
    if (++this.visited > MAX_NODES) {
      if (!this.reportedExpansion) {
        this.reportedExpansion = true;
        this.parsed.report('yaml-syntax', this.parsed.locate([]), `a value expands to more than ${MAX_NODES} nodes through aliases and \${...} references; the rest of it is left out`);
      }
      return undefined;
    }
    const placeholder = this.parsed.placeholder(node);
    if (placeholder !== undefined) return placeholder;
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = scalarKey(item.key);
        if (key !== undefined) out[key] = this.resolveNode(item.value, scope);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item) => this.resolveNode(item, scope));
    if (isScalar(node)) return typeof node.value === 'string' ? this.resolveScalar(node as Scalar<string>, scope) : node.value;
    return undefined;
  }

  /** Every reference in a string scalar with its range in the file and its outcome. */
  references(node: Scalar<string>, scope: string | undefined): { span: ReferenceSpan; range: SourceRange; outcome: Outcome }[] {
    const spans = scanReferences(node.value);
    const ranges = this.spanRanges(node, spans);
    return spans.map((span, i) => ({ span, range: ranges[i], outcome: this.evaluate(span.source, scope) }));
  }

  private resolveScalar(node: Scalar<string>, scope: string | undefined): unknown {
    const text = node.value;
    if (!text.includes('${')) return text;
    const refs = this.references(node, scope);
    for (const { range, outcome } of refs) {
      if (outcome.status === 'resolved') continue;
      const code = outcome.status === 'unresolved' ? 'unresolved-variable' : outcome.status === 'env-unset' ? 'env-unset' : 'deploy-time-variable';
      this.parsed.report(code, range, outcome.message, outcome.hint);
    }
    if (refs.length === 1 && refs[0].span.start === 0 && refs[0].span.end === text.length && refs[0].outcome.status === 'resolved') {
      return refs[0].outcome.value;
    }
    let out = '';
    let last = 0;
    for (const { span, outcome } of refs) {
      out += text.slice(last, span.start);
      out += outcome.status === 'resolved' ? interpolate(outcome.value) : text.slice(span.start, span.end);
      last = span.end;
    }
    return out + text.slice(last);
  }

  /**
   * Maps references found in the scalar's value to its source text. They differ for quoted scalars with
   * escapes (`"${config(\"AccountID\")}"`), so the n-th reference in the source stands for the n-th in the value;
   * when the counts disagree (folded lines), the whole scalar is the best range there is.
   */
  private spanRanges(node: Scalar<string>, spans: ReferenceSpan[]): SourceRange[] {
    const [start, end] = node.range ?? [0, 0];
    let source = this.parsed.text.slice(start, end);
    // Blank out escape sequences (same length) so an escaped quote does not open a string for the scanner.
    if (node.type === 'QUOTE_DOUBLE') source = source.replace(/\\./g, '__');
    const sourceSpans = scanReferences(source);
    return spans.map((_, i) =>
      sourceSpans.length === spans.length ? this.parsed.range([start + sourceSpans[i].start, start + sourceSpans[i].end]) : this.parsed.range([start, end]),
    );
  }

  evaluate(source: string, scope: string | undefined): Outcome {
    const expr = parseExpression(source);
    if (!expr) return { status: 'unresolved', message: `cannot read this variable expression: \${${source}}`, hint: 'use forms like ${vars.x}, ${env(\'X\', \'default\')} or ${path(\'./code\')}' };
    return this.evalExpr(expr, scope, source);
  }

  private evalExpr(expr: Expr, scope: string | undefined, source: string): Outcome {
    switch (expr.kind) {
      case 'literal':
        return { status: 'resolved', value: expr.value };
      case 'call':
        return this.evalCall(expr.name, expr.args, scope, source);
      case 'path':
        return this.evalPath(expr.segments, scope, source);
    }
  }

  private evalCall(name: string, args: Expr[], scope: string | undefined, source: string): Outcome {
    if (DEPLOY_TIME_FUNCTIONS.has(name)) {
      return { status: 'deploy-time', message: `Serverless Devs resolves this at deploy time; fcbox keeps it as written: \${${source}}` };
    }
    const values: unknown[] = [];
    for (const arg of args) {
      const r = this.evalExpr(arg, scope, source);
      if (r.status !== 'resolved') {
        // env('X', default) only needs its default when X is unset, so an unresolvable default is not fatal yet.
        if (name === 'env' && values.length === 1) {
          values.push(undefined);
          continue;
        }
        return r;
      }
      values.push(r.value);
    }
    const dir = path.dirname(this.parsed.file);
    switch (name) {
      case 'env': {
        const key = String(values[0] ?? '');
        const set = this.env[key];
        if (set !== undefined) return { status: 'resolved', value: set };
        if (args.length > 1) {
          return values[1] === undefined ? this.evalExpr(args[1], scope, source) : { status: 'resolved', value: values[1] };
        }
        return { status: 'env-unset', message: `environment variable is not set and has no default: ${key}`, hint: `set ${key} in the environment, or give a default: \${env('${key}', 'value')}` };
      }
      case 'path':
        return { status: 'resolved', value: path.resolve(dir, String(values[0] ?? '.')) };
      case 'file': {
        const file = path.resolve(dir, String(values[0] ?? ''));
        const text = this.files.readText(file);
        return text === undefined ? { status: 'unresolved', message: `cannot read the file: ${file}` } : { status: 'resolved', value: text };
      }
      case 'json':
        try {
          return { status: 'resolved', value: JSON.parse(String(values[0])) };
        } catch {
          return { status: 'unresolved', message: `not valid JSON: \${${source}}` };
        }
      default:
        return { status: 'unresolved', message: `unknown variable function: ${name}()`, hint: 'fcbox understands env, path, file and json; config, secret and regex are left to Serverless Devs' };
    }
  }

  private evalPath(segments: (string | number)[], scope: string | undefined, source: string): Outcome {
    const [head, ...rest] = segments;
    const unresolved = (why: string): Outcome => ({ status: 'unresolved', message: `${why}: \${${source}}` });
    if (head === 'vars') return this.lookup(['vars', ...rest], undefined, source);
    if (head === 'env' && rest.length === 1) return this.evalCall('env', [{ kind: 'literal', value: String(rest[0]) }], scope, source);
    if (head === 'this') {
      if (scope === undefined || !this.collection) return unresolved('${this...} is only meaningful inside a resource');
      const [field, ...more] = rest;
      if (field === 'name' && more.length === 0) return { status: 'resolved', value: scope };
      if (field === 'vars') return this.lookup(['vars', ...more], undefined, source);
      if (field === 'access' && more.length === 0 && !this.parsed.node([this.collection, scope, 'access'])) return this.lookup(['access'], undefined, source);
      return this.component(scope, rest, source);
    }
    if (this.collection && (head === 'resources' || head === 'services') && rest.length > 0) return this.component(String(rest[0]), rest.slice(1), source);
    if (this.collection && this.parsed.node([this.collection, head])) return this.component(String(head), rest, source);
    return unresolved('no such variable');
  }

  /** `<component>.props.x`, `<component>.output.x`, `<component>.vars.x` relative to a services/resources entry. */
  private component(key: string, rest: (string | number)[], source: string): Outcome {
    const [field, ...more] = rest;
    if (field === 'output' || field === 'outputs' || field === 'info') {
      return { status: 'deploy-time', message: `deployment outputs exist only after \`s deploy\`; fcbox keeps this as written: \${${source}}` };
    }
    if (field === 'vars') return this.lookup(['vars', ...more], undefined, source);
    return this.lookup([this.collection!, key, ...rest], key, source);
  }

  private lookup(at: YamlPath, scope: string | undefined, source: string): Outcome {
    const node = this.parsed.node(at);
    if (node === undefined) return { status: 'unresolved', message: `nothing is defined at ${at.join('.')}: \${${source}}` };
    if (this.inProgress.has(node)) return { status: 'unresolved', message: `the variable refers to itself: \${${source}}` };
    this.inProgress.add(node);
    try {
      return { status: 'resolved', value: this.resolveNode(node, scope) };
    } finally {
      this.inProgress.delete(node);
    }
  }
}

function interpolate(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
