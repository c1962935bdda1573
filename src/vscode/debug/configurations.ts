/**
 * Debug configurations for the `fcbox` type: one dynamic configuration per function in the workspace (so F5
 * works without a launch.json), launch.json's initial content, and the defaults the settings supply.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { qualifiedName, type FunctionSpec } from '../../spec/model';
import { DEBUG_TYPE, GENERIC_LAUNCH, LaunchArguments } from '../../debug/configuration';
import { credentialsSource, hostOptions } from '../settings';
import type { WorkspaceFunctions } from './index';

type LaunchConfiguration = vscode.DebugConfiguration & LaunchArguments;

/** How a launch configuration names a function: as the user would, unless the name repeats in its project. */
function functionQuery(fn: FunctionSpec, all: FunctionSpec[]): string {
  const query = qualifiedName(fn);
  const clash = all.some((f) => f !== fn && f.projectFile === fn.projectFile && qualifiedName(f) === query);
  return clash ? fn.id : query;
}

/** A launch configuration for one function; the `fcbox.function.debug` command starts exactly this. */
export function debugConfigurationFor(fn: FunctionSpec, all: FunctionSpec[] = [fn]): LaunchConfiguration {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(fn.projectFile));
  const project = folder ? path.join('${workspaceFolder}', path.relative(folder.uri.fsPath, fn.projectFile)) : fn.projectFile;
  return { type: DEBUG_TYPE, request: 'launch', name: `Debug ${fn.name}`, project, function: functionQuery(fn, all) };
}

function inFolder(fn: FunctionSpec, folder: vscode.WorkspaceFolder | undefined): boolean {
  return !folder || !path.relative(folder.uri.fsPath, fn.projectFile).startsWith('..');
}

/**
 * Dynamic configurations (the "FC Box" entry of Run and Debug's picker) and launch.json's initial ones (the only
 * source of those: package.json has no initialConfigurations), which fall back to a generic one without functions.
 */
export class FunctionConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly functions: WorkspaceFunctions,
    private readonly initial = false,
  ) {}

  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    await this.functions.ready();
    const all = this.functions.functions();
    const configurations = all.filter((fn) => inFolder(fn, folder)).map((fn) => debugConfigurationFor(fn, all));
    return configurations.length || !this.initial ? configurations : [{ ...GENERIC_LAUNCH }];
  }
}

/** Fills what a configuration leaves out: the function (F5 without launch.json), and the settings' host options. */
export class LaunchResolver implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly functions: WorkspaceFunctions,
    private readonly beforeLaunch?: (configuration: vscode.DebugConfiguration) => Promise<void>,
  ) {}

  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      const picked = await this.pickFunction(folder);
      if (!picked) return undefined;
      config = picked;
    }
    if (config.request !== 'launch') return config;
    // The settings' host options, as launch arguments: the adapter may run in its own process, without vscode.
    const settings = hostOptions(folder?.uri);
    const defaults: Partial<LaunchArguments> = {
      backend: settings.backend,
      runtimeImages: settings.runtimeImages,
      startupTimeout: settings.startupTimeoutMs,
      credentials: credentialsSource(folder?.uri),
    };
    return { ...defaults, ...config };
  }

  /** Last step before the session starts: `project` is a real path now, so the function can be found. */
  async resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration> {
    if (config.request === 'launch' && this.beforeLaunch) {
      await this.functions.ready();
      await this.beforeLaunch(config);
    }
    return config;
  }

  private async pickFunction(folder: vscode.WorkspaceFolder | undefined): Promise<LaunchConfiguration | undefined> {
    await this.functions.ready();
    const all = this.functions.functions();
    const candidates = all.filter((fn) => inFolder(fn, folder));
    if (candidates.length === 0) {
      void vscode.window.showErrorMessage('FC Box: no function to debug: this workspace has no s.yaml (or serverless.yml) declaring one.');
      return undefined;
    }
    if (candidates.length === 1) return debugConfigurationFor(candidates[0], all);
    const picked = await vscode.window.showQuickPick(
      candidates.map((fn) => ({ label: fn.name, description: fn.runtime, detail: vscode.workspace.asRelativePath(fn.projectFile), fn })),
      { placeHolder: 'Function to debug' },
    );
    return picked && debugConfigurationFor(picked.fn, all);
  }
}
