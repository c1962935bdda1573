import * as path from 'node:path';
import * as vscode from 'vscode';
import { FcboxError } from '../../spec/errors';
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
  if (typeof arg === 'string') return services.projects.findFunction(arg) ?? stale(arg);
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

/**
 * A lens or tree item from an earlier parse names a function that was renamed or removed since. The id is
 * `<project file>#…` (spec/normalise.ts), which is enough to say where to look.
 */
function stale(id: string): never {
  const hash = id.lastIndexOf('#');
  const file = hash > 0 ? id.slice(0, hash) : undefined;
  const name = id.slice(id.lastIndexOf('/') + 1);
  throw new FcboxError('FunctionNotFound', `${name} is no longer in ${file ? path.basename(file) : 's.yaml'}`, 'refresh the Functions view (or save the file) and try again');
}

export const isRunning = (fn: FunctionSpec, s: Services) => !!s.instances.get(fn.id);
