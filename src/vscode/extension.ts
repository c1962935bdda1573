import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { registerDebugging } from './debug';
import { registerEditing } from './editing';
import { ErrorReporter } from './errors';
import { InstanceManager } from './InstanceManager';
import { Invoker } from './invoke/Invoker';
import { ProjectIndex } from './ProjectIndex';
import type { Services } from './services';
import { registerStatusBar } from './statusBar';
import { registerViews } from './views';

/** What other extensions (and the e2e suites) can read. */
export interface FcboxApi {
  /** How long `activate` took, in milliseconds. */
  readonly activationMs: number;
  /** The local FC API (InvokeFunction, HTTP trigger paths) while functions run in this window. */
  gatewayUrl(): string | undefined;
  /** The views' data, as VS Code reads it (getChildren / getTreeItem). */
  readonly trees: { readonly functions: vscode.TreeDataProvider<unknown>; readonly instances: vscode.TreeDataProvider<unknown> };
}

/** Set while active: deactivate must wait for instances to stop, or their servers outlive the window. */
let stopInstances: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): FcboxApi {
  const t0 = performance.now();
  const log = vscode.window.createOutputChannel('FC Box', { log: true });
  const projects = new ProjectIndex();
  const instances = new InstanceManager(log, projects);
  const errors = new ErrorReporter(log, instances);
  const invoker = new Invoker(context.workspaceState, instances, errors);
  const services: Services = { context, log, projects, instances, invoker, errors };
  const views = registerViews(services);
  context.subscriptions.push(
    log,
    projects,
    instances,
    invoker,
    ...registerCommands(services),
    ...views.disposables,
    ...registerEditing(projects, instances),
    registerStatusBar(instances),
  );
  registerDebugging(context, projects, {
    // F5 on a function this window runs: the Run instance holds the ports the debuggee needs.
    beforeLaunch: async (configuration) => {
      const fn = instances.functionOf(configuration);
      if (fn) await instances.releaseForDebug(fn).catch((e: unknown) => errors.show(e, fn));
    },
  });
  context.subscriptions.push(instances.onProblem((e) => errors.show(e)));
  stopInstances = () => instances.stopAll();
  void projects.ready().then(() => log.info(`${projects.functions().length} function(s) in ${projects.all().length} project file(s)`));
  const activationMs = performance.now() - t0;
  log.info(`activated in ${activationMs.toFixed(0)} ms`);
  return { activationMs, gatewayUrl: () => instances.gatewayUrl, trees: { functions: views.functions, instances: views.instances } };
}

export async function deactivate(): Promise<void> {
  await stopInstances?.();
  stopInstances = undefined;
}
