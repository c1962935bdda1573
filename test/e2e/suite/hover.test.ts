import * as assert from 'assert';
import * as vscode from 'vscode';
import { exampleFile } from './helpers';

describe('${...} hover', () => {
  it('shows what a reference resolves to', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleFile('variables', 's.yaml'));
    const line = doc.getText().split('\n').findIndex((l) => l.includes('region: ${vars.region}'));
    const at = new vscode.Position(line, doc.lineAt(line).text.indexOf('vars.region'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /resolves to[\s\S]*cn-shanghai/);
  });
});
