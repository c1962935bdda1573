import * as vscode from 'vscode';
import type { FunctionSpec } from '../../spec/model';
import type { Services } from '../services';

/** A command about one function. Tree items, code lenses and the palette all call the same one. */
export interface FunctionCommand {
  readonly id: string;
  /** Which functions the palette's picker offers (all when absent). */
  readonly applies?: (fn: FunctionSpec, services: Services) => boolean;
  run(services: Services, fn: FunctionSpec, ...rest: unknown[]): unknown;
}

/** A command that is not about one function (refresh, create starter project, ...). */
export interface PlainCommand {
  readonly id: string;
  readonly plain: true;
  run(services: Services, ...args: unknown[]): unknown;
}

export type Command = FunctionCommand | PlainCommand;

/**
 * What a command receives as its first argument: a function id (code lenses, tree commands), a Functions tree
 * node (`{ fn }`), an Instances tree node (a RunningInstance, which has `fn`), or nothing (the palette).
 */
export async function resolveFunction(services: Services, arg: unknown, command: FunctionCommand): Promise<FunctionSpec | undefined> {
  await services.projects.ready();
  if (typeof arg === 'string') return services.projects.findFunction(arg);
  if (arg && typeof arg === 'object' && 'fn' in arg) return services.projects.findFunction((arg as { fn: FunctionSpec }).fn.id) ?? (arg as { fn: FunctionSpec }).fn;
  const candidates = services.projects.functions().filter((fn) => command.applies?.(fn, services) ?? true);
  if (!candidates.length) {
    void vscode.window.showInformationMessage('FC Box: no function fits this command here.');
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((fn) => ({ label: fn.name, description: `${fn.runtime} · ${fn.kind}`, detail: vscode.workspace.asRelativePath(fn.projectFile), fn })),
    { placeHolder: 'Function', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.fn;
}

export const isRunning = (fn: FunctionSpec, s: Services) => !!s.instances.get(fn.id);
