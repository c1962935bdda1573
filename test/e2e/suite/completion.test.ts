import * as assert from 'assert';
import * as vscode from 'vscode';
import { exampleFile } from './helpers';

describe('s.yaml completion', () => {
  it('offers runtime values after `runtime:`', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleFile('node-custom-runtime', 's.yaml'));
    const line = doc.getText().split('\n').findIndex((l) => /^\s+runtime:/.test(l));
    assert.ok(line >= 0, 'the example has a runtime line');
    const at = new vscode.Position(line, doc.lineAt(line).text.indexOf(':') + 2);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const runtime of ['custom.debian10', 'custom', 'custom-container']) assert.ok(labels.includes(runtime), `${runtime} offered (got ${labels.slice(0, 20).join(', ')})`);
  });

  it('offers the keys of a function with their descriptions', async () => {
    const doc = await vscode.workspace.openTextDocument(exampleFile('node-custom-runtime', 's.yaml'));
    const line = doc.getText().split('\n').findIndex((l) => /^\s+memorySize:/.test(l));
    const at = new vscode.Position(line, doc.lineAt(line).firstNonWhitespaceCharacterIndex);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at, undefined, 200);
    const env = list.items.find((i) => i.label === 'environmentVariables');
    assert.ok(env, 'environmentVariables offered');
    assert.ok(env.documentation, 'with a description');
  });
});
