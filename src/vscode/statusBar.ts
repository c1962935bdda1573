import * as vscode from 'vscode';
import type { InstanceManager } from './InstanceManager';

/** "$(server-process) 2 running": visible only while instances run; opens the Instances view. */
export function registerStatusBar(instances: InstanceManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('fcbox.instances', vscode.StatusBarAlignment.Left, 10);
  item.name = 'FC Box Instances';
  item.command = 'fcbox.instances.focus';
  const update = () => {
    const running = instances.all();
    if (!running.length) return item.hide();
    item.text = `$(server-process) ${running.length} running`;
    const gateway = instances.gatewayUrl ? `\nGateway: ${instances.gatewayUrl}` : '';
    item.tooltip = `FC Box: ${running.map((i) => `${i.fn.name} (${i.state})`).join(', ')}${gateway}`;
    item.show();
  };
  update();
  return vscode.Disposable.from(item, instances.onDidChange(update));
}
