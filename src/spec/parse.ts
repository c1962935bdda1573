import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { Diagnostic, DiagnosticFix, SourceRange } from './model';
import { DiagnosticCode, severityOf } from './codes';

/** Guards against alias bombs: a few KB of YAML anchors can expand to millions of nodes. */
export const MAX_NODES = 200_000;

/** A key path into the document: map keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** One parsed file: the YAML AST with every node's offsets, and the means to turn offsets into line/column. */
export class ParsedFile {
  readonly doc: Document;
  readonly diagnostics: Diagnostic[] = [];
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    // uniqueKeys: a duplicated key silently drops one of the values, which is exactly the kind of mistake to report.
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    for (const e of this.doc.errors) this.report('yaml-syntax', this.range(e.pos), e.message.split('\n')[0]);
  }

  range(offsets: readonly number[] | undefined): SourceRange {
    const [start, end] = offsets ?? [0, 0];
    const s = this.lines.linePos(Math.min(start, this.text.length));
    const e = this.lines.linePos(Math.min(end ?? start, this.text.length));
    return { start: { line: s.line - 1, character: s.col - 1 }, end: { line: e.line - 1, character: e.col - 1 } };
  }

  report(code: DiagnosticCode, range: SourceRange, message: string, hint?: string, fix?: DiagnosticFix): void {
    this.diagnostics.push({ file: this.file, range, severity: severityOf(code), code, message, ...(hint ? { hint } : {}), ...(fix ? { fix } : {}) });
  }

  /** The node at `path`, following aliases; undefined when any step is missing. */
  node(path: YamlPath): Node | undefined {
    return this.pairAt(path)?.value;
  }

  /**
   * Range of the value at `path` (or of its key with `part: 'key'`). A path that does not exist resolves to the
   * deepest ancestor that does, so a diagnostic about a missing key lands on the map that should hold it.
   */
  locate(path: YamlPath, part: 'key' | 'value' = 'value'): SourceRange {
    for (let n = path.length; n >= 0; n--) {
      const found = this.pairAt(path.slice(0, n));
      if (!found) continue;
      const target = n === path.length && part === 'key' && found.key ? found.key : found.value;
      return this.range(target?.range ?? undefined);
    }
    return this.range(undefined);
  }

  private pairAt(path: YamlPath): { key?: Node; value?: Node } | undefined {
    let current: { key?: Node; value?: Node } = { value: this.doc.contents ?? undefined };
    for (const step of path) {
      const container = this.deref(current.value);
      if (isMap(container)) {
        const pair = container.items.find((p) => isPair(p) && scalarKey(p.key) === String(step));
        if (!pair) return undefined;
        current = { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
      } else if (isSeq(container) && typeof step === 'number') {
        const item = container.items[step];
        if (item === undefined) return undefined;
        current = { value: item as Node };
      } else {
        return undefined;
      }
    }
    return current;
  }

  /**
   * Template placeholders left unquoted — `{{ access }}` in `s init` templates, `{IMAGE}` in some docs — parse as
   * flow maps with null values. They are text to fill in, so they read as their own source text.
   */
  placeholder(node: Node): string | undefined {
    if (!isMap(node) || !node.flow || node.items.length !== 1 || !node.range) return undefined;
    const { key, value } = node.items[0];
    const isNull = value === null || (isScalar(value) && value.value === null);
    const isName = isScalar(key) || (isMap(key) && this.placeholder(key) !== undefined);
    return isNull && isName ? this.text.slice(node.range[0], node.range[1]) : undefined;
  }

  /** The document as plain data, as written (no `${...}` resolution), for schema validation. */
  toPlain(): unknown {
    let budget = MAX_NODES;
    const plain = (input: unknown): unknown => {
      const node = this.deref(input);
      if (node === undefined || --budget < 0) return undefined;
      const text = this.placeholder(node);
      if (text !== undefined) return text;
      if (isMap(node)) {
        const out: Record<string, unknown> = {};
        for (const { key, value } of node.items) {
          const k = scalarKey(key);
          if (k !== undefined) out[k] = plain(value);
        }
        return out;
      }
      if (isSeq(node)) return node.items.map(plain);
      return isScalar(node) ? node.value : undefined;
    };
    const data = plain(this.doc.contents);
    if (budget < 0) this.report('yaml-syntax', this.locate([]), `the document expands to more than ${MAX_NODES} nodes through aliases`);
    return data;
  }

  deref(node: unknown): Node | undefined {
    // An alias cycle cannot be built from YAML text, but a chain can; resolve until it is a real node.
    let n = node as Node | undefined;
    for (let i = 0; i < 32 && isAlias(n); i++) n = (n.resolve(this.doc) ?? undefined) as Node | undefined;
    return isAlias(n) ? undefined : n;
  }
}

/** Key of a pair as text, or undefined for complex keys (a flow map used as a key, as in `{{ x }}: ...`). */
export function scalarKey(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  return undefined;
}
