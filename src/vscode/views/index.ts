import * as vscode from 'vscode';
import type { Services } from '../services';
import { FunctionsView } from './functionsView';
import { InstancesView } from './instancesView';

export interface Views {
  readonly functions: FunctionsView;
  readonly instances: InstancesView;
  readonly disposables: vscode.Disposable[];
}

export function registerViews(s: Services): Views {
  const functions = new FunctionsView(s.projects, s.instances, vscode.Uri.joinPath(s.context.extensionUri, 'media'));
  const instances = new InstancesView(s.instances);
  const updateContext = () => {
    // viewsWelcome waits for the first scan (no flash of "no s.yaml"); the walkthrough completes on projects.
    void vscode.commands.executeCommand('setContext', 'fcbox.projectsLoaded', true);
    void vscode.commands.executeCommand('setContext', 'fcbox.hasProjects', s.projects.all().length > 0);
  };
  void s.projects.ready().then(updateContext);
  return {
    functions,
    instances,
    disposables: [
      functions,
      instances,
      vscode.window.createTreeView('fcbox.functions', { treeDataProvider: functions, showCollapseAll: true }),
      vscode.window.createTreeView('fcbox.instances', { treeDataProvider: instances }),
      s.projects.onDidChange(updateContext),
    ],
  };
}
