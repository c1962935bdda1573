import * as path from 'path';
import * as vscode from 'vscode';
import type { FunctionSpec, Project } from '../../spec/model';
import type { InstanceManager } from '../InstanceManager';
import type { ProjectIndex } from '../ProjectIndex';
import { functionDescription, functionTooltip, hooksOf, stateIcon } from './presentation';

type Node =
  | { kind: 'project'; project: Project }
  | { kind: 'group'; project: Project; name: string; functions: FunctionSpec[] }
  | { kind: 'function'; fn: FunctionSpec };

/**
 * Functions view: project file → service (edition 1.0.0 only; 3.0.0 and SCF have none) → function. Node ids are
 * stable (file path / function id), so a refresh keeps expansion and selection instead of redrawing the tree.
 */
export class FunctionsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly projects: ProjectIndex,
    private readonly instances: InstanceManager,
    private readonly media: vscode.Uri,
  ) {
    this.disposables = [this.changed, projects.onDidChange(() => this.changed.fire()), instances.onDidChange(() => this.changed.fire())];
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      await this.projects.ready();
      return this.projects.all().map((project) => ({ kind: 'project', project }));
    }
    if (node.kind === 'group') return node.functions.map((fn) => ({ kind: 'function', fn }));
    if (node.kind === 'function') return [];
    const groups = new Map<string, FunctionSpec[]>();
    for (const fn of node.project.functions) {
      if (fn.service === undefined) continue;
      groups.set(fn.service, [...(groups.get(fn.service) ?? []), fn]);
    }
    return [
      ...[...groups].map(([name, functions]): Node => ({ kind: 'group', project: node.project, name, functions })),
      ...node.project.functions.filter((fn) => fn.service === undefined).map((fn): Node => ({ kind: 'function', fn })),
    ];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'project':
        return this.projectItem(node.project);
      case 'group': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `${node.project.file}#service/${node.name}`;
        item.description = 'service';
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        item.contextValue = 'service';
        return item;
      }
      case 'function':
        return this.functionItem(node.fn);
    }
  }

  private projectItem(project: Project): vscode.TreeItem {
    const uri = vscode.Uri.file(project.file);
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const relative = folder ? path.relative(folder.uri.fsPath, project.file) : project.file;
    const item = new vscode.TreeItem(multiRoot && folder ? `${folder.name}/${relative}` : relative, vscode.TreeItemCollapsibleState.Expanded);
    item.id = project.file;
    item.resourceUri = uri;
    item.iconPath = { light: vscode.Uri.joinPath(this.media, 'light', 'project.svg'), dark: vscode.Uri.joinPath(this.media, 'dark', 'project.svg') };
    // Short, so the functions' own details stay readable in a narrow sidebar; the edition is in the tooltip.
    const errors = project.diagnostics.filter((d) => d.severity === 'error').length;
    item.description = errors ? `${errors} error${errors > 1 ? 's' : ''}` : undefined;
    const edition = project.edition === 'scf' ? 'Tencent SCF' : project.edition ? `Serverless Devs edition ${project.edition}` : 'not a project file';
    item.tooltip = `${project.file}\n${edition}`;
    item.contextValue = 'project';
    item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    return item;
  }

  private functionItem(fn: FunctionSpec): vscode.TreeItem {
    const instance = this.instances.get(fn.id);
    const item = new vscode.TreeItem(fn.name, vscode.TreeItemCollapsibleState.None);
    item.id = fn.id;
    item.description = functionDescription(fn, instance);
    item.tooltip = functionTooltip(fn, instance);
    item.iconPath = instance
      ? stateIcon(instance.state)
      : { light: vscode.Uri.joinPath(this.media, 'light', 'function.svg'), dark: vscode.Uri.joinPath(this.media, 'dark', 'function.svg') };
    // Menus in package.json match on these words: state, then the configured hooks.
    item.contextValue = ['function', instance ? 'running' : 'stopped', ...hooksOf(fn)].join(' ');
    item.command = { command: 'fcbox.function.reveal', title: 'Go to Definition', arguments: [fn.id] };
    return item;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
