import * as vscode from 'vscode';
import type { BootstrapFix } from '../commands/fixBootstrap';
import { FcboxDiagnostic } from './diagnostics';

/** Start-file problems fixed by fcbox.bootstrap.fix. */
const BOOTSTRAP_FIXES: Record<string, [BootstrapFix, string]> = {
  CAFilePermission: ['chmod', 'Make the start file executable (chmod +x)'],
  CAExited: ['shebang', 'Add #!/bin/bash as the first line of the start file'],
  'bootstrap-crlf': ['crlf', 'Convert the start file to LF line endings'],
};

export class QuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (!(d instanceof FcboxDiagnostic) || !d.spec.fix) continue;
      const { startFile, replacement } = d.spec.fix;
      const bootstrap = BOOTSTRAP_FIXES[d.spec.code];
      let action: vscode.CodeAction | undefined;
      if (bootstrap && startFile) {
        const [fix, title] = bootstrap;
        action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.command = { command: 'fcbox.bootstrap.fix', title, arguments: [startFile, fix, doc.uri.fsPath] };
      } else if (replacement) {
        action = new vscode.CodeAction(`Change to '${replacement}'`, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(doc.uri, d.range, replacement);
      }
      if (!action) continue;
      action.diagnostics = [d];
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }
}
