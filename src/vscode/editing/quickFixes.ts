import * as path from 'path';
import * as vscode from 'vscode';
import type { BootstrapFix } from '../commands/fixBootstrap';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

/** Start-file problems fixed by fcbox.bootstrap.fix; spec/ names the file last in the message (`…: code/bootstrap`). */
const BOOTSTRAP_FIXES: Record<string, [BootstrapFix, string]> = {
  CAFilePermission: ['chmod', 'Make the start file executable (chmod +x)'],
  CAExited: ['shebang', 'Add #!/bin/bash as the first line of the start file'],
  'bootstrap-crlf': ['crlf', 'Convert the start file to LF line endings'],
};

/** spec/ phrases its suggestions as "rename it to X" (unknown keys) and 'did you mean "X"?' (values). */
const SUGGESTION = /rename it to ([^\s)]+)|did you mean "([^"]+)"/;

export class QuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const code = String(d.code);
      const bootstrap = BOOTSTRAP_FIXES[code];
      if (bootstrap) {
        const [fix, title] = bootstrap;
        const file = path.resolve(path.dirname(doc.uri.fsPath), d.message.replace(/ \(.*\)$/s, '').split(': ').pop() ?? '');
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.command = { command: 'fcbox.bootstrap.fix', title, arguments: [file, fix, doc.uri.fsPath] };
        action.diagnostics = [d];
        action.isPreferred = true;
        actions.push(action);
        continue;
      }
      const m = SUGGESTION.exec(d.message);
      const suggestion = m?.[1] ?? m?.[2];
      if (suggestion) {
        const action = new vscode.CodeAction(`Change to '${suggestion}'`, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(doc.uri, d.range, suggestion);
        action.diagnostics = [d];
        action.isPreferred = true;
        actions.push(action);
      }
    }
    return actions;
  }
}
