/**
 * Answers the adapter's `fcbox.attach` event: starts the language's own debugger as a child of the fcbox
 * session (its lifecycle follows the parent, its console merges with it), then tells the adapter it attached so
 * the instance's first /initialize runs with breakpoints in place.
 */
import * as vscode from 'vscode';
import { ATTACH_EVENT, AttachedArguments, AttachEventBody, DEBUG_TYPE, DebugLanguage } from '../../debug/configuration';

/** The extension that contributes each child debug type; js-debug (node) is built into VS Code. */
const DEBUGGER_EXTENSIONS: Partial<Record<DebugLanguage, { id: string; name: string }>> = {
  python: { id: 'ms-python.debugpy', name: 'Python Debugger' },
  java: { id: 'vscjava.vscode-java-debug', name: 'Debugger for Java' },
};

export async function startChildSession(parent: vscode.DebugSession, body: AttachEventBody): Promise<void> {
  const reply = (args: AttachedArguments) => parent.customRequest('attached', args);
  const needed = DEBUGGER_EXTENSIONS[body.language];
  if (needed && !vscode.extensions.getExtension(needed.id)) {
    const message = `debugging ${body.language} needs the ${needed.name} extension (${needed.id})`;
    await reply({ error: message });
    const install = 'Install';
    if ((await vscode.window.showErrorMessage(`FC Box: ${message}.`, install)) === install) {
      await vscode.commands.executeCommand('workbench.extensions.installExtension', needed.id);
    }
    return;
  }
  let started = false;
  try {
    started = await vscode.debug.startDebugging(parent.workspaceFolder, body.configuration, {
      parentSession: parent,
      lifecycleManagedByParent: true,
      compact: true,
      consoleMode: vscode.DebugConsoleMode.MergeWithParent,
    });
  } catch (e) {
    return void reply({ error: e instanceof Error ? e.message : String(e) });
  }
  await reply(started ? {} : { error: `VS Code did not start the ${body.configuration.type} session` });
}

export function watchAttachEvents(): vscode.Disposable {
  return vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
    if (e.session.type !== DEBUG_TYPE || e.event !== ATTACH_EVENT) return;
    void startChildSession(e.session, e.body as AttachEventBody);
  });
}
