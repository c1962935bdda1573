/**
 * Answers the adapter's `fcbox.attach` event: starts the language's own debugger as a child of the fcbox
 * session (its lifecycle follows the parent, its console merges with it), then tells the adapter it attached once
 * that debugger has its breakpoints set, so the instance's first /initialize runs with breakpoints in place.
 */
import * as vscode from 'vscode';
import { ATTACH_EVENT, AttachedArguments, AttachEventBody, DEBUG_TYPE, DebugLanguage } from '../../debug/configuration';

/** The extension that contributes each child debug type; js-debug (node) is built into VS Code. */
const DEBUGGER_EXTENSIONS: Partial<Record<DebugLanguage, { id: string; name: string }>> = {
  python: { id: 'ms-python.debugpy', name: 'Python Debugger' },
  java: { id: 'vscjava.vscode-java-debug', name: 'Debugger for Java' },
};

/**
 * How far below our child the session that debugs the process is. js-debug's attach session only finds targets;
 * each target (the Node process) gets a session of its own, a child of the attach session. debugpy and the Java
 * debugger debug the process in the session we start.
 */
const TARGET_DEPTH: Record<string, 1 | 2> = { node: 2 };

/**
 * How long to hold /initialize for a debugger that never says its breakpoints are set (a target js-debug did not
 * find, a debugger extension that never sends configurationDone). Then the function starts anyway, with a note.
 */
export const ATTACH_TIMEOUT_MS = 15_000;

interface Pending {
  parent: vscode.DebugSession;
  depth: 1 | 2;
  /** The session we started, once it exists. */
  child?: vscode.DebugSession;
  done(reply: AttachedArguments): void;
}

/**
 * Watches every debug session for the ones fcbox waits on. A session "has its breakpoints set" when it answers
 * `configurationDone`: the editor sends that request only after every setBreakpoints (and exception breakpoint)
 * request of the session has been answered.
 */
class AttachWatcher implements vscode.DebugAdapterTrackerFactory {
  private readonly pending = new Set<Pending>();

  /** Resolves with what to tell the adapter once the debugger that will debug the process is configured. */
  waitForTarget(parent: vscode.DebugSession, configurationType: string, timeoutMs = ATTACH_TIMEOUT_MS): { reply: Promise<AttachedArguments>; cancel(): void } {
    let pending!: Pending;
    const reply = new Promise<AttachedArguments>((resolve) => {
      const timer = setTimeout(
        () => pending.done({ note: `the ${configurationType} debugger did not report its breakpoints set within ${timeoutMs / 1000} s; starting the function anyway (breakpoints in the initializer may be missed)` }),
        timeoutMs,
      );
      pending = {
        parent,
        depth: TARGET_DEPTH[configurationType] ?? 1,
        done: (r) => {
          if (!this.pending.delete(pending)) return;
          clearTimeout(timer);
          resolve(r);
        },
      };
      this.pending.add(pending);
    });
    return { reply, cancel: () => pending.done({}) };
  }

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker | undefined {
    for (const p of this.pending) {
      // The first session started under our parent after the attach event is the one we asked for.
      if (!p.child && session.parentSession?.id === p.parent.id && session.type !== DEBUG_TYPE) p.child = session;
      const target = p.depth === 1 ? p.child === session : !!p.child && session.parentSession?.id === p.child.id;
      if (!target) continue;
      return {
        onDidSendMessage: (m: { type?: string; command?: string; success?: boolean }) => {
          if (m.type === 'response' && m.command === 'configurationDone') p.done({});
        },
        onExit: () => p.done({ error: `the ${session.type} session ended before it attached` }),
      };
    }
    return undefined;
  }

  /** The child session we started ended before its target was configured (js-debug could not attach), or our own. */
  terminated(session: vscode.DebugSession): void {
    for (const p of this.pending) {
      if (p.child?.id === session.id) p.done({ error: `the ${session.type} session ended before it attached` });
      else if (p.parent.id === session.id) p.done({});
    }
  }
}

async function startChildSession(watcher: AttachWatcher, parent: vscode.DebugSession, body: AttachEventBody): Promise<void> {
  // The fcbox session may have ended meanwhile; then there is no one to tell.
  const reply = (args: AttachedArguments) => Promise.resolve(parent.customRequest('attached', args)).catch(() => undefined);
  const needed = DEBUGGER_EXTENSIONS[body.language];
  if (needed && !vscode.extensions.getExtension(needed.id)) {
    const message = `debugging ${body.language} needs the ${needed.name} extension (${needed.id})`;
    await reply({ error: message });
    const install = 'Install';
    if ((await vscode.window.showErrorMessage(`FC Box: ${message}.`, install)) === install) {
      // Offline, or a marketplace without it: say so; this runs in a voided promise, so nothing else would.
      await Promise.resolve(vscode.commands.executeCommand('workbench.extensions.installExtension', needed.id)).catch((e: unknown) =>
        vscode.window.showErrorMessage(`FC Box: could not install ${needed.name} (${needed.id}): ${e instanceof Error ? e.message : String(e)}`),
      );
    }
    return;
  }
  const target = watcher.waitForTarget(parent, body.configuration.type);
  let started = false;
  try {
    started = await vscode.debug.startDebugging(parent.workspaceFolder, body.configuration, {
      parentSession: parent,
      lifecycleManagedByParent: true,
      compact: true,
      consoleMode: vscode.DebugConsoleMode.MergeWithParent,
    });
  } catch (e) {
    target.cancel();
    return void reply({ error: e instanceof Error ? e.message : String(e) });
  }
  if (!started) {
    target.cancel();
    return void reply({ error: `VS Code did not start the ${body.configuration.type} session` });
  }
  await reply(await target.reply);
}

/** The fcbox session `session` was started under, at any depth (js-debug adds a target session of its own). */
function fcboxAncestor(session: vscode.DebugSession): vscode.DebugSession | undefined {
  for (let p = session.parentSession; p; p = p.parentSession) if (p.type === DEBUG_TYPE) return p;
  return undefined;
}

export function watchAttachEvents(): vscode.Disposable {
  const watcher = new AttachWatcher();
  /** Language sessions started under each fcbox session, by the fcbox session's id. */
  const descendants = new Map<string, vscode.DebugSession[]>();
  return vscode.Disposable.from(
    vscode.debug.registerDebugAdapterTrackerFactory('*', watcher),
    vscode.debug.onDidStartDebugSession((s) => {
      const owner = fcboxAncestor(s);
      if (owner) descendants.set(owner.id, [...(descendants.get(owner.id) ?? []), s]);
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      watcher.terminated(s);
      if (s.type !== DEBUG_TYPE) return;
      // lifecycleManagedByParent routes restart requests to us but does not end the language sessions with us;
      // seen in the e2e run: js-debug's sessions could outlive the instance they debugged by more than 30 s.
      for (const d of (descendants.get(s.id) ?? []).reverse()) void Promise.resolve(vscode.debug.stopDebugging(d)).catch(() => undefined);
      descendants.delete(s.id);
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== DEBUG_TYPE || e.event !== ATTACH_EVENT) return;
      void startChildSession(watcher, e.session, e.body as AttachEventBody);
    }),
  );
}
