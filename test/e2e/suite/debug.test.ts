import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { InvocationSummary } from '../../../src/vscode/invoke/Invoker';
import { EXTENSION_ID, exampleFile, fcbox, functionId, portClosed, snapshot, treeItems, waitFor } from './helpers';

interface Stop {
  session: vscode.DebugSession;
  threadId: number;
  reason: string;
}

/**
 * F5 on the Node example: the fcbox adapter starts the instance with the inspector on, the editor starts the
 * child js-debug session, a breakpoint in the handler stops the invocation, continue lets it finish.
 */
describe('F5 debugging (Node custom runtime)', () => {
  const project = () => exampleFile('node-custom-runtime', 's.yaml');
  const server = () => exampleFile('node-custom-runtime', 'code', 'server.js');
  const id = () => functionId(project(), 'hello', 'node-hello');
  const stops: Stop[] = [];
  const sessions: vscode.DebugSession[] = [];
  const disposables: vscode.Disposable[] = [];

  before(() => {
    // No silent skip: without the adapter in the installed extension there is nothing to test.
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.ok(fs.existsSync(vscode.Uri.joinPath(ext.extensionUri, 'dist', 'debugAdapter.js').fsPath), 'dist/debugAdapter.js ships with the extension');
    disposables.push(
      vscode.debug.onDidStartDebugSession((s) => sessions.push(s)),
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (m: { type?: string; event?: string; body?: { reason: string; threadId: number } }) => {
            if (m.type === 'event' && m.event === 'stopped' && m.body) stops.push({ session, threadId: m.body.threadId, reason: m.body.reason });
          },
        }),
      }),
    );
  });

  after(async () => {
    await vscode.debug.stopDebugging();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    vscode.Disposable.from(...disposables).dispose();
  });

  it('stops on a breakpoint in the handler, then the invocation completes', async function () {
    this.timeout(180_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const source = (await vscode.workspace.openTextDocument(server())).getText().split('\n');
    const line = source.findIndex((l) => l.includes('const reply ='));
    assert.ok(line > 0, 'the handler line is in server.js');
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(server(), new vscode.Position(line, 0)))]);

    await vscode.commands.executeCommand('fcbox.function.debug', id());
    const api = await fcbox();
    await waitFor('the debugged instance to be listed', 60_000, async () => (await treeItems(api.trees.instances)).find((i) => String(i.description).includes('debug session')));
    // What a person sees before invoking: js-debug's session for the server process (a child of its attach
    // session, itself a child of ours) in the call stack.
    await waitFor('js-debug to attach to the server process', 60_000, () =>
      sessions.find((s) => s.type === 'pwa-node' && s.parentSession?.type === 'pwa-node' && s.parentSession.parentSession?.type === 'fcbox'),
    );
    const invocation = vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', id(), { event: '{"name":"debugger"}' });
    const stop = await waitFor('a stopped event', 60_000, () => stops.find((s) => s.reason === 'breakpoint'));
    const trace = (await stop.session.customRequest('stackTrace', { threadId: stop.threadId, levels: 1 })) as { stackFrames: { line: number; source?: { path?: string } }[] };
    assert.strictEqual(trace.stackFrames[0].line, line + 1, 'stopped on the breakpoint line (1-based)');
    assert.ok(trace.stackFrames[0].source?.path?.endsWith('server.js'));
    await snapshot('debug-breakpoint');
    await stop.session.customRequest('continue', { threadId: stop.threadId });
    const result = await invocation;
    assert.ok(result, 'the invocation returned');
    assert.deepStrictEqual(JSON.parse(result.body), { message: 'hello, debugger' });
  });

  it('stopping the session leaves no instance', async () => {
    await vscode.debug.stopDebugging();
    const api = await fcbox();
    await waitFor('no instance', 30_000, async () => ((await treeItems(api.trees.instances)).length === 0 ? true : undefined));
    await waitFor('the debug session to end', 30_000, () => (vscode.debug.activeDebugSession ? undefined : true));
    await waitFor('port 9000 to close', 10_000, () => portClosed(9000).then((c) => c || undefined));
  });
});
