import * as assert from 'assert';
import * as vscode from 'vscode';
import { exampleFile, waitFor } from './helpers';

/** test/e2e/workspace-extra/broken/s.yaml, as the spec layer reports it (zero-based lines and characters). */
const EXPECTED = [
  { code: 'CAFilePermission', range: [12, 12, 12, 18], severity: vscode.DiagnosticSeverity.Error },
  { code: 'unknown-key', range: [13, 6, 13, 12], severity: vscode.DiagnosticSeverity.Warning },
  { code: 'port-out-of-range', range: [18, 14, 18, 19], severity: vscode.DiagnosticSeverity.Error },
];

const fcboxDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'fcbox');

describe('s.yaml diagnostics', () => {
  const broken = () => exampleFile('broken', 's.yaml');

  it('report the broken project\'s problems with their codes and ranges', async () => {
    await vscode.window.showTextDocument(broken());
    const diagnostics = await waitFor('fcbox diagnostics on broken/s.yaml', 20_000, () => {
      const d = fcboxDiagnostics(broken());
      return d.length >= EXPECTED.length ? d : undefined;
    });
    const actual = diagnostics
      .map((d) => ({ code: String(d.code), range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], severity: d.severity }))
      .sort((a, b) => a.range[0] - b.range[0]);
    assert.deepStrictEqual(actual, EXPECTED);
  });

  it('offer "did you mean" and chmod +x quick fixes that clear them', async () => {
    const unknownKey = fcboxDiagnostics(broken()).find((d) => d.code === 'unknown-key')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', broken(), unknownKey.range, vscode.CodeActionKind.QuickFix.value);
    const rename = actions.find((a) => a.title === "Change to 'timeout'");
    assert.ok(rename?.edit, `rename action offered (got ${actions.map((a) => a.title).join(', ')})`);

    const permission = fcboxDiagnostics(broken()).find((d) => d.code === 'CAFilePermission')!;
    const fixes = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', broken(), permission.range, vscode.CodeActionKind.QuickFix.value);
    const chmod = fixes.find((a) => a.command?.command === 'fcbox.bootstrap.fix');
    assert.ok(chmod?.command, `chmod action offered (got ${fixes.map((a) => a.title).join(', ')})`);
    await vscode.commands.executeCommand(chmod.command.command, ...(chmod.command.arguments ?? []));
    await waitFor('CAFilePermission to clear', 10_000, () => !fcboxDiagnostics(broken()).some((d) => d.code === 'CAFilePermission') || undefined);
  });
});
