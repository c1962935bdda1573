/**
 * The editor glue of fcbox debugging, registered in one call from extension.ts: configuration providers, the
 * adapter (inline, or dist/debugAdapter.js), and the child sessions of the languages' own debuggers.
 */
import * as vscode from 'vscode';
import { findFunction, type FunctionSpec, type Project } from '../../spec';
import { FcboxDebugSession } from '../../debug/adapter';
import { DEBUG_TYPE } from '../../debug/configuration';
import { resolveFromProjectFile } from '../../debug/functions';
import { watchAttachEvents } from './childSession';
import { FunctionConfigurationProvider, LaunchResolver } from './configurations';

export { debugConfigurationFor } from './configurations';

/** What debugging needs from the extension's project index (ProjectIndex satisfies it). */
export interface WorkspaceFunctions {
  ready(): Promise<void>;
  functions(): FunctionSpec[];
  get(file: string): Project | undefined;
}

export interface DebuggingOptions {
  /** Runs before a launch session starts, with its variables substituted: frees what the debuggee needs (ports). */
  beforeLaunch?(configuration: vscode.DebugConfiguration): Promise<void>;
}

export function registerDebugging(context: vscode.ExtensionContext, functions: WorkspaceFunctions, options: DebuggingOptions = {}): void {
  // The editor's parse of a project (unsaved edits included) when it has one; the file on disk otherwise.
  const resolve = async (project: string, name: string | undefined): Promise<FunctionSpec> => {
    await functions.ready();
    const indexed = functions.get(project);
    const fn = indexed && name ? findFunction([indexed], name) : undefined;
    return fn ?? resolveFromProjectFile(project, name);
  };
  // Inline, in the extension host: the adapter reads the editor's parse of the project. dist/debugAdapter.js is the
  // same adapter as a process of its own, for the adapter tests.
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new FcboxDebugSession(resolve)),
  };
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new LaunchResolver(functions, options.beforeLaunch)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new FunctionConfigurationProvider(functions), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new FunctionConfigurationProvider(functions, true), vscode.DebugConfigurationProviderTriggerKind.Initial),
    watchAttachEvents(),
  );
}
