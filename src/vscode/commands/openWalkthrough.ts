import * as vscode from 'vscode';
import type { PlainCommand } from './command';

export const openWalkthrough: PlainCommand = {
  id: 'fcbox.project.openWalkthrough',
  plain: true,
  run: (s) => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${s.context.extension.id}#fcbox.gettingStarted`, false),
};
