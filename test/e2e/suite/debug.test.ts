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

interface Output {
  session: vscode.DebugSession;
  category?: string;
  output: string;
}

type TopFrame = { line: number; source?: { path?: string } };

async function topFrame(stop: Stop): Promise<TopFrame> {
  const trace = (await stop.session.customRequest('stackTrace', { threadId: stop.threadId, levels: 1 })) as { stackFrames: TopFrame[] };
  return trace.stackFrames[0];
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
  const outputs: Output[] = [];
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
          onDidSendMessage: (m: { type?: string; event?: string; body?: { reason: string; threadId: number; category?: string; output: string } }) => {
            if (m.type === 'event' && m.event === 'stopped' && m.body) stops.push({ session, threadId: m.body.threadId, reason: m.body.reason });
            // Every session's output lands in the one Debug Console (the child's console merges with ours).
            if (m.type === 'event' && m.event === 'output' && m.body) outputs.push({ session, category: m.body.category, output: m.body.output });
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

  async function stopLeavesNothing(): Promise<void> {
    // Stopping every session at once can race js-debug's own termination of its child sessions; VS Code then
    // rejects a terminate request as Canceled although the sessions end. What counts is what is left afterwards.
    await Promise.resolve(vscode.debug.stopDebugging()).catch((e: Error) => assert.strictEqual(e.message, 'Canceled'));
    const api = await fcbox();
    await waitFor('no instance', 30_000, async () => ((await treeItems(api.trees.instances)).length === 0 ? true : undefined));
    await waitFor('the debug session to end', 30_000, () => (vscode.debug.activeDebugSession ? undefined : true));
    await waitFor('port 9000 to close', 10_000, () => portClosed(9000).then((c) => c || undefined));
  }

  it('stopping the session leaves no instance', stopLeavesNothing);

  // The instance's first /initialize is held until the debugger that debugs the process (js-debug's child
  // session for it, not its attach session) has its breakpoints set; nothing here waits for that.
  it('stops in the initializer, then in the handler, when invoked as soon as the session starts', async function () {
    this.timeout(180_000);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    stops.length = 0;
    outputs.length = 0;
    const source = (await vscode.workspace.openTextDocument(server())).getText().split('\n');
    const initLine = source.findIndex((l) => l.includes('// open connections'));
    const invokeLine = source.findIndex((l) => l.includes('const reply ='));
    assert.ok(initLine > 0 && invokeLine > 0, 'the initializer and handler lines are in server.js');
    vscode.debug.addBreakpoints([initLine, invokeLine].map((l) => new vscode.SourceBreakpoint(new vscode.Location(server(), new vscode.Position(l, 0)))));

    const known = new Set(sessions.map((s) => s.id));
    const debugging = vscode.commands.executeCommand('fcbox.function.debug', id());
    await waitFor('the fcbox session to start', 60_000, () => sessions.find((s) => s.type === 'fcbox' && !known.has(s.id)));
    const invocation = vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', id(), { event: '{"name":"initializer"}' });

    const first = await waitFor('a stop in the initializer', 60_000, () => stops.find((s) => s.reason === 'breakpoint'));
    const initFrame = await topFrame(first);
    assert.strictEqual(initFrame.line, initLine + 1, 'stopped first on the initializer line (1-based)');
    assert.ok(initFrame.source?.path?.endsWith('server.js'));
    await snapshot('debug-initializer-breakpoint');
    await first.session.customRequest('continue', { threadId: first.threadId });

    const second = await waitFor('a stop in the handler', 60_000, () => stops.filter((s) => s.reason === 'breakpoint')[1]);
    assert.strictEqual((await topFrame(second)).line, invokeLine + 1, 'then on the handler line');
    await second.session.customRequest('continue', { threadId: second.threadId });
    const result = await invocation;
    assert.ok(result, 'the invocation returned');
    assert.deepStrictEqual(JSON.parse(result.body), { message: 'hello, initializer' });
    await debugging;

    // Each line the function printed shows once in the Debug Console, from the fcbox session (which knows the
    // request id); js-debug does not repeat it.
    const lines = (text: string) => outputs.filter((o) => o.output.includes(text));
    const invokeStart = lines('FC Invoke Start RequestId');
    assert.strictEqual(invokeStart.length, 1, `one "FC Invoke Start" line, got: ${JSON.stringify(invokeStart.map((o) => [o.session.type, o.output]))}`);
    assert.strictEqual(invokeStart[0].session.type, 'fcbox');
    assert.strictEqual(invokeStart[0].category, 'stdout');
    assert.strictEqual(lines('FC Initialize Start RequestId').length, 1, 'one "FC Initialize Start" line');
    assert.strictEqual(lines(`fcbox: invoke ${result.requestId}`).length, 1, 'the invocation result once, with its request id');
    await snapshot('debug-console-once');
  });

  it('stopping that session leaves no instance either', stopLeavesNothing);

  // F5 on a function Run already started: the Run instance holds the function's port, so it is stopped first
  // (its server must not outlive the window), and the debugged instance takes its place.
  it('F5 on a running function stops the Run instance and debugs it', async function () {
    this.timeout(180_000);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const api = await fcbox();
    await vscode.commands.executeCommand('fcbox.function.run', id());
    const ran = await waitFor('the Run instance', 60_000, async () => (await treeItems(api.trees.instances)).find((i) => /pid \d+/.test(String(i.description))));
    const folder = vscode.workspace.getWorkspaceFolder(project());
    const relative = vscode.workspace.asRelativePath(project(), false);
    const started = await vscode.debug.startDebugging(folder, { type: 'fcbox', request: 'launch', name: 'F5 after Run', project: `\${workspaceFolder}/${relative}`, function: 'hello' });
    assert.ok(started, 'the session started');
    await waitFor('js-debug to attach to the server process', 60_000, () =>
      sessions.find((s) => s.type === 'pwa-node' && s.parentSession?.parentSession?.name === 'F5 after Run'),
    );
    const items = await treeItems(api.trees.instances);
    assert.strictEqual(items.length, 1, `one instance, not the Run one beside it: ${JSON.stringify(items.map((i) => i.description))}`);
    assert.ok(String(items[0].description).includes('debug session'), `the debugged one (was ${String(ran.description)})`);
    const result = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', id(), { event: '{"name":"after run"}' });
    assert.deepStrictEqual(JSON.parse(result!.body), { message: 'hello, after run' });
  });

  it('and stopping it leaves no instance', stopLeavesNothing);
});
