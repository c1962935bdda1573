import * as vscode from 'vscode';
import { parse } from 'yaml';
import { redHatYamlInstalled } from './diagnostics';

/** The subset of JSON schema that schemas/s.schema.json uses and completion needs. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  enumDescriptions?: string[];
  const?: unknown;
  required?: string[];
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  if?: Schema;
  then?: Schema;
  else?: Schema;
  definitions?: Record<string, Schema>;
}

type Segment = string | number;
const KEY_LINE = /^(\s*)(?:-\s+)?([^\s#:'"][^:#]*?|'[^']*'|"[^"]*"):(?:\s+(.*))?$/;

/**
 * Keys (with their descriptions) and enum values (runtimes, regions, ...) from schemas/s.schema.json, for when the
 * Red Hat YAML extension is not there to do it from our `yamlValidation` contribution.
 */
export class SchemaCompletion implements vscode.CompletionItemProvider {
  constructor(private readonly schema: Schema) {}

  provideCompletionItems(doc: vscode.TextDocument, pos: vscode.Position): vscode.CompletionItem[] | undefined {
    if (redHatYamlInstalled()) return undefined;
    const before = doc.lineAt(pos.line).text.slice(0, pos.character);
    const data = safeParse(doc.getText());
    const valueAt = /^\s*(?:-\s+)?([\w.$-]+):\s+(\S*)$/.exec(before);
    if (valueAt) return this.values([...containerPath(doc, pos.line), valueAt[1]], data);
    if (!/^\s*(?:-\s+)?[\w.-]*$/.test(before)) return undefined;
    const path = containerPath(doc, pos.line);
    const existing = lookup(data, path);
    const present = existing && typeof existing === 'object' ? new Set(Object.keys(existing)) : new Set<string>();
    const keys = new Map<string, Schema>();
    for (const s of this.at(path, data)) for (const [k, v] of Object.entries(this.properties(s, lookup(data, path)))) if (!keys.has(k)) keys.set(k, v);
    return [...keys]
      .filter(([k]) => !present.has(k))
      .map(([key, s]) => {
        const item = new vscode.CompletionItem(key, vscode.CompletionItemKind.Property);
        const branches = this.flatten(s);
        const is = (type: string) => branches.some((b) => b.type === type || (Array.isArray(b.type) && b.type[0] === type) || (type === 'object' && b.properties));
        // Snippet tabs follow the editor's indentation, so nested maps and lists land one level in.
        if (is('object')) item.insertText = new vscode.SnippetString(`${key}:\n\t$0`);
        else if (is('array')) item.insertText = new vscode.SnippetString(`${key}:\n\t- $0`);
        else item.insertText = `${key}: `;
        if (branches.some((b) => b.enum)) item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest values' };
        item.documentation = documentation(this.resolve(s));
        return item;
      });
  }

  private values(path: Segment[], data: unknown): vscode.CompletionItem[] {
    const items = new Map<string, vscode.CompletionItem>();
    for (const s of this.at(path, data)) {
      for (const branch of this.flatten(s)) {
        (branch.enum ?? (branch.const !== undefined ? [branch.const] : [])).forEach((value, i) => {
          const label = String(value);
          if (items.has(label)) return;
          const item = new vscode.CompletionItem(label, vscode.CompletionItemKind.EnumMember);
          const description = branch.enumDescriptions?.[i];
          if (description) item.documentation = new vscode.MarkdownString(description);
          items.set(label, item);
        });
      }
    }
    return [...items.values()];
  }

  /** Every schema that applies at `path` (unions and conditionals make it more than one). */
  private at(path: Segment[], data: unknown): Schema[] {
    let current = [this.schema];
    for (let i = 0; i < path.length; i++) {
      const here = lookup(data, path.slice(0, i));
      const next: Schema[] = [];
      for (const s of current.flatMap((c) => this.flatten(c, here))) {
        const seg = path[i];
        if (typeof seg === 'number') {
          if (s.items) next.push(s.items);
          continue;
        }
        const own = s.properties?.[seg] ?? Object.entries(s.patternProperties ?? {}).find(([p]) => new RegExp(p, 'u').test(seg))?.[1];
        if (own) next.push(own);
        else if (typeof s.additionalProperties === 'object') next.push(s.additionalProperties);
      }
      current = next;
    }
    return current;
  }

  private properties(s: Schema, here: unknown): Record<string, Schema> {
    return Object.assign({}, ...this.flatten(s, here).map((b) => b.properties ?? {}));
  }

  /** $ref, allOf/anyOf/oneOf and if/then/else expanded; a condition counts when the data at hand matches it. */
  private flatten(s: Schema, here?: unknown, depth = 0): Schema[] {
    if (depth > 12) return [];
    const r = this.resolve(s);
    const out = [r];
    for (const sub of [...(r.allOf ?? []), ...(r.anyOf ?? []), ...(r.oneOf ?? [])]) out.push(...this.flatten(sub, here, depth + 1));
    if (r.if) {
      const branch = matches(this.resolve(r.if), here) ? r.then : r.else;
      if (branch) out.push(...this.flatten(branch, here, depth + 1));
    }
    return out;
  }

  private resolve(s: Schema): Schema {
    let r = s;
    for (let i = 0; r.$ref && i < 10; i++) {
      const target = r.$ref.replace(/^#\//, '').split('/').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], this.schema);
      r = (target as Schema) ?? {};
    }
    return r;
  }
}

/** The conditions s.schema.json uses: required keys with `const` values. */
function matches(cond: Schema, data: unknown): boolean {
  if (!data || typeof data !== 'object') return false;
  const obj = data as Record<string, unknown>;
  if (cond.required?.some((k) => !(k in obj))) return false;
  return Object.entries(cond.properties ?? {}).every(([k, p]) => p.const === undefined || obj[k] === p.const);
}

/**
 * The path of the mapping that holds a key written at `indent` on `line`, found by walking up to the lines
 * indented less. `- ` items become index 0; a list may sit at its key's own indent (`triggers:\n- name: x`).
 */
function containerPath(doc: vscode.TextDocument, line: number): Segment[] {
  const text = doc.lineAt(line).text;
  const item = /^(\s*)-\s+/.exec(text);
  const path: Segment[] = item ? [0] : [];
  let limit = item ? item[1].length : text.length - text.trimStart().length;
  let afterItem = !!item;
  for (let l = line - 1; l >= 0 && (limit > 0 || afterItem); l--) {
    const above = doc.lineAt(l).text;
    if (!above.trim() || above.trimStart().startsWith('#')) continue;
    const lead = above.length - above.trimStart().length;
    const aboveItem = /^\s*-\s+/.test(above);
    if (aboveItem && lead < limit) {
      path.unshift(0);
      limit = lead;
      afterItem = true;
      continue;
    }
    if (lead > limit || (lead === limit && !afterItem)) continue;
    const key = KEY_LINE.exec(above);
    if (!key || aboveItem) continue;
    path.unshift(key[2].replace(/^['"]|['"]$/g, ''));
    limit = lead;
    afterItem = false;
  }
  return path;
}

function lookup(data: unknown, path: Segment[]): unknown {
  return path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (Array.isArray(o) ? o[0] : (o as Record<string, unknown>)[k as string]) : undefined), data);
}

function safeParse(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

function documentation(s: Schema): vscode.MarkdownString | undefined {
  const text = s.markdownDescription ?? s.description;
  return text ? new vscode.MarkdownString(text) : undefined;
}
