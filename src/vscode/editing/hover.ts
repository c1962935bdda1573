import * as vscode from 'vscode';
import { variableReferences, type VariableReference } from '../../spec';
import { toRange } from '../errors';

/** Hovering a `${...}` reference in a project file shows what it resolves to here (or why it does not). */
export class ReferenceHover implements vscode.HoverProvider {
  private cache: { uri: string; version: number; refs: VariableReference[] } | undefined;

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    if (this.cache?.uri !== doc.uri.toString() || this.cache.version !== doc.version) {
      this.cache = { uri: doc.uri.toString(), version: doc.version, refs: variableReferences(doc.uri.fsPath, doc.getText()) };
    }
    const ref = this.cache.refs.find((r) => toRange(r.range).contains(pos));
    if (!ref) return undefined;
    const md = new vscode.MarkdownString();
    md.appendCodeblock(`\${${ref.expression}}`, 'yaml');
    const o = ref.outcome;
    if (o.status === 'resolved') {
      md.appendMarkdown('resolves to\n');
      md.appendCodeblock(typeof o.value === 'string' ? o.value : JSON.stringify(o.value, null, 2), typeof o.value === 'string' ? 'text' : 'json');
    } else {
      md.appendMarkdown(`**${o.status}**: ${o.message}${o.hint ? `\n\n${o.hint}` : ''}`);
    }
    return new vscode.Hover(md, toRange(ref.range));
  }
}
