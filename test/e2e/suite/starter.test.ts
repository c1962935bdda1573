import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { InvocationSummary } from '../../../src/vscode/invoke/Invoker';
import { canDriveUi, exampleFile, fcbox, functionId, QUICK_INPUT, treeItems, ui, waitFor } from './helpers';

/** The welcome view's and the Functions view title's "Create Starter Project", answered as a person would. */
describe('Create Starter Project', () => {
  const folder = 'starter-e2e';
  const project = () => exampleFile(folder, 's.yaml');
  const id = () => functionId(project(), 'hello', 'node-hello');

  before(function () {
    // Only the code-server harness has a browser to type the folder name with; @vscode/test-electron has none.
    if (!canDriveUi()) this.skip();
  });

  after(async () => {
    await vscode.commands.executeCommand('fcbox.function.stop', id());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('asks for a folder, copies the Node custom runtime there and opens its s.yaml', async function () {
    this.timeout(60_000);
    const created = vscode.commands.executeCommand<vscode.Uri>('fcbox.project.createStarter');
    const [offered] = await ui('starter-folder', [
      { wait: QUICK_INPUT.message('Folder for the starter project') },
      { read: QUICK_INPUT.input },
      // The name is checked as it is typed.
      { fill: QUICK_INPUT.input, value: 'not a folder/' },
      { wait: QUICK_INPUT.message('Letters, digits') },
      { fill: QUICK_INPUT.input, value: folder },
      { press: QUICK_INPUT.input, key: 'Enter' },
      { gone: '.quick-input-widget' },
    ]);
    assert.strictEqual(offered, 'hello-fc');
    const file = await created;
    assert.ok(file, 'the command returned the new s.yaml');
    assert.strictEqual(file.fsPath, project().fsPath);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, project().fsPath, 'its s.yaml is open');
    assert.ok(fs.statSync(exampleFile(folder, 'code', 'bootstrap').fsPath).mode & 0o111, 'bootstrap is executable');
  });

  it('lists its function in the Functions view', async () => {
    const items = await waitFor('the starter\'s function in the tree', 10_000, async () => {
      const all = await treeItems((await fcbox()).trees.functions);
      return all.some((i) => i.id === id()) ? all : undefined;
    });
    const item = items.find((i) => i.id === id())!;
    assert.match(String(item.description), /^custom\.debian10 · event :9000 · initializer, preStop$/);
  });

  it('runs and answers an invocation', async function () {
    this.timeout(60_000);
    const result = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', id(), { event: '{"name":"starter"}' });
    assert.ok(result, 'the invoke command returned a result');
    assert.strictEqual(result.status, 200);
    assert.deepStrictEqual(JSON.parse(result.body), { message: 'hello, starter' });
  });
});
