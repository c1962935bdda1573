import * as vscode from 'vscode';
import type { InstanceManager, RunningInstance } from '../InstanceManager';
import { formatUptime, hooksOf, stateIcon } from './presentation';

const UPTIME_TICK_MS = 15_000;

/** Instances view: one row per running instance with state, backend, port, uptime and invocation count. */
export class InstancesView implements vscode.TreeDataProvider<RunningInstance>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[];
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly instances: InstanceManager) {
    this.disposables = [this.changed, instances.onDidChange(() => this.refresh())];
  }

  private refresh(): void {
    // Uptime is the only thing that changes on its own; tick only while something runs.
    if (this.instances.all().length && !this.ticker) this.ticker = setInterval(() => this.changed.fire(), UPTIME_TICK_MS);
    if (!this.instances.all().length && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    this.changed.fire();
  }

  getChildren(node?: RunningInstance): RunningInstance[] {
    return node ? [] : this.instances.all().sort((a, b) => a.fn.name.localeCompare(b.fn.name));
  }

  getTreeItem(i: RunningInstance): vscode.TreeItem {
    const item = new vscode.TreeItem(i.fn.name, vscode.TreeItemCollapsibleState.None);
    item.id = `instance:${i.fn.id}`;
    const invocations = `${i.invocations} invocation${i.invocations === 1 ? '' : 's'}`;
    item.description = [i.state, i.backend, i.port && `:${i.port}`, formatUptime(Date.now() - i.startedAt), invocations].filter(Boolean).join(' · ');
    item.tooltip = `${i.fn.name} (${i.fn.runtime}) — ${item.description}\n${i.fn.projectFile}`;
    item.iconPath = stateIcon(i.state);
    item.contextValue = ['instance', 'running', ...hooksOf(i.fn)].join(' ');
    item.command = { command: 'fcbox.function.showLogs', title: 'Show Logs', arguments: [i.fn.id] };
    return item;
  }

  dispose(): void {
    clearInterval(this.ticker);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
