import { chmod } from 'fs/promises';
import * as vscode from 'vscode';
import { FcboxError } from '../../spec/errors';
import type { PlainCommand } from './command';

const STARTER = 'examples/node-custom-runtime';

/** Copies the bundled Node.js custom-runtime example into a workspace folder and opens its s.yaml. */
export const createStarter: PlainCommand = {
  id: 'fcbox.project.createStarter',
  plain: true,
  run: async (s) => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const folder = folders.length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Where to create the starter project' }) : folders[0];
    if (!folder) {
      throw new FcboxError('NoWorkspace', 'Open a folder first.', 'The starter project is created inside the open folder.');
    }
    const name = await vscode.window.showInputBox({
      prompt: 'Folder for the starter project',
      value: 'hello-fc',
      validateInput: (v) => (/^[\w.-]+$/.test(v) ? undefined : 'Letters, digits, ".", "-" and "_" only'),
    });
    if (!name) return;
    const target = vscode.Uri.joinPath(folder.uri, name);
    if (await exists(target)) throw new FcboxError('TargetExists', 'That folder already exists.', `Choose another name than ${name}.`);
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(s.context.extensionUri, STARTER), target);
    // A .vsix does not reliably keep the executable bit, and FC refuses a non-executable bootstrap (CAFilePermission).
    await chmod(vscode.Uri.joinPath(target, 'code', 'bootstrap').fsPath, 0o755);
    const file = vscode.Uri.joinPath(target, 's.yaml');
    await s.projects.reload(file);
    await vscode.window.showTextDocument(file);
    return file;
  },
};

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
