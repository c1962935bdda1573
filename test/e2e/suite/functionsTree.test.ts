import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { findProjectFiles, loadProject } from '../../../src/spec';
import { fcbox, label, snapshot, treeItems, waitFor, workspaceRoot } from './helpers';

describe('Functions view', () => {
  it('lists every example function with runtime, kind and port', async () => {
    const api = await fcbox();
    // What the examples declare, read straight from their files (the broken fixture counts too).
    const expected = findProjectFiles(workspaceRoot()).flatMap((f) => loadProject(f).functions);
    assert.ok(expected.length >= 5, `the examples declare functions (found ${expected.length})`);
    const items = await waitFor('the tree to list every function', 20_000, async () => {
      const all = await treeItems(api.trees.functions);
      return expected.every((fn) => all.some((i) => i.id === fn.id)) ? all : undefined;
    });
    for (const fn of expected) {
      const item = items.find((i) => i.id === fn.id)!;
      assert.strictEqual(label(item), fn.name);
      assert.match(String(item.description), new RegExp(`${fn.runtime.replace('.', '\\.')} · ${fn.kind} :${fn.port}`));
      assert.match(String(item.contextValue), /^function stopped/);
    }
    const projectLabels = items.filter((i) => i.contextValue === 'project').map(label);
    for (const example of ['node-custom-runtime', 'python-custom-runtime', 'custom-container', 'http-function', 'scf-web']) {
      assert.ok(projectLabels.some((l) => l.startsWith(example + path.sep)), `project ${example} listed (got ${projectLabels.join(', ')})`);
    }
    await vscode.commands.executeCommand('workbench.view.extension.fcbox');
    await snapshot('functions-view');
  });
});
