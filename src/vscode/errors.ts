import * as vscode from 'vscode';
import { isFcboxError } from '../spec/errors';
import type { FunctionSpec } from '../spec/model';

/** What the error handler can offer for a function: its instance's logs, its definition in s.yaml. */
export interface ErrorContext {
  hasLogs(fn: FunctionSpec): boolean;
  showLogs(fn: FunctionSpec): void;
}

/**
 * The one place an error reaches the user. An FcboxError shows its message and hint with the actions that
 * help (Show Logs, Open s.yaml); anything else is a bug, shown as such and logged with its stack.
 */
export class ErrorReporter {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly context: ErrorContext,
  ) {}

  /** Logs now; the notification is not awaited, so a command's caller is not held until someone dismisses it. */
  show(e: unknown, fn?: FunctionSpec): void {
    if (e instanceof vscode.CancellationError) return;
    if (!isFcboxError(e)) {
      this.log.error(e instanceof Error ? e : String(e));
      void vscode.window.showErrorMessage(`FC Box: ${e instanceof Error ? e.message : String(e)}`, 'Show Log').then((c) => c && this.log.show());
      return;
    }
    this.log.warn(`${fn ? `${fn.name}: ` : ''}${e.code}: ${e.message}${e.hint ? ` ${e.hint}` : ''}${e.details ? `\n${e.details}` : ''}`);
    const actions: [string, () => unknown][] = [];
    if (fn && this.context.hasLogs(fn)) actions.push(['Show Logs', () => this.context.showLogs(fn)]);
    if (fn) actions.push(['Open s.yaml', () => revealFunction(fn)]);
    if (!fn && e.details) actions.push(['Show Log', () => this.log.show()]);
    void vscode.window
      .showErrorMessage(e.hint ? `${e.message} (${e.hint})` : e.message, ...actions.map(([title]) => title))
      .then((choice) => actions.find(([title]) => title === choice)?.[1]());
  }
}

export function toRange(r: FunctionSpec['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Opens the project file with the function's definition selected. */
export async function revealFunction(fn: FunctionSpec): Promise<void> {
  const start = toRange(fn.range).start;
  await vscode.window.showTextDocument(vscode.Uri.file(fn.projectFile), { selection: new vscode.Range(start, start), preview: true });
}
