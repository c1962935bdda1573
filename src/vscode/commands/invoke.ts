import type * as vscode from 'vscode';
import type { InvokeChoice } from '../invoke/Invoker';
import type { FunctionCommand } from './command';

/**
 * Second argument: an event file's URI (the event-file lens) or a ready InvokeChoice (scripts, tests);
 * without one the user picks the event or describes the HTTP request.
 */
export const invoke: FunctionCommand = {
  id: 'fcbox.function.invoke',
  run: (s, fn, what?: unknown) => s.invoker.invoke(fn, what as vscode.Uri | InvokeChoice | undefined),
};
