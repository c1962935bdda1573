import type * as vscode from 'vscode';
import type { ErrorReporter } from './errors';
import type { InstanceManager } from './InstanceManager';
import type { Invoker } from './invoke/Invoker';
import type { ProjectIndex } from './ProjectIndex';

/** What extension.ts builds once and hands to every feature. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly projects: ProjectIndex;
  readonly instances: InstanceManager;
  readonly invoker: Invoker;
  readonly errors: ErrorReporter;
}
