import * as assert from 'assert';
import * as vscode from 'vscode';
import type { InvocationSummary } from '../../../src/vscode/invoke/Invoker';
import { canDriveUi, exampleFile, fcbox, functionId, label, lensTitles, portClosed, snapshot, treeItems, ui, waitFor } from './helpers';

/**
 * The Instances view and its actions, called the way its context menu calls them: with the tree's element.
 * lifecycle/s.yaml (test/e2e/workspace-extra) configures all three hooks; its server logs each call.
 */
describe('Instances view', () => {
  const lifecycle = () => functionId(exampleFile('lifecycle', 's.yaml'), 'lifecycle', 'lifecycle-hello');
  // A second instance, in docker: on a port docker picks, and the view shows both kinds of backend.
  const container = () => functionId(exampleFile('custom-container', 's.yaml'), 'hello', 'container-hello');
  const statusItem = '.statusbar-item:has-text("running")';

  after(async () => {
    for (const id of [lifecycle(), container()]) await vscode.commands.executeCommand('fcbox.function.stop', id);
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  /** The view's element for the function (what its context menu passes to a command) and its tree item. */
  async function instance(name: string): Promise<{ element: unknown; item: vscode.TreeItem }> {
    const tree = (await fcbox()).trees.instances;
    for (const element of (await tree.getChildren()) ?? []) {
      const item = await tree.getTreeItem(element);
      if (label(item) === name) return { element, item };
    }
    throw new Error(`${name} is not in the Instances view`);
  }

  const describeOf = async (name: string) => String((await instance(name)).item.description);
  const waitForDescription = (name: string, pattern: RegExp) =>
    waitFor(`${name} to show ${pattern}`, 10_000, async () => {
      const d = await describeOf(name).catch(() => undefined);
      return d && pattern.test(d) ? d : undefined;
    });
  const pid = (description: string) => /· pid (\d+) ·/.exec(description)?.[1];

  /** The instance's log channel's text, once Show Logs has shown it. */
  async function shownLogs(): Promise<vscode.TextDocument> {
    const editor = await waitFor('the log channel in the Output panel', 10_000, () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'output' && e.document.languageId === 'fcbox-log'),
    );
    return editor.document;
  }

  it('Run lists the instance with state, backend (pid), port and invocation count', async () => {
    const started = await vscode.commands.executeCommand<{ state: string; port: number }>('fcbox.function.run', lifecycle());
    assert.deepStrictEqual(started, { state: 'ready', port: 9301 });
    const description = await waitForDescription('lifecycle-hello', /^ready · pid \d+ · :9301 · \d+s · 0 invocations$/);
    const { item } = await instance('lifecycle-hello');
    assert.strictEqual(item.contextValue, 'instance running initializer preFreeze preStop', 'the context menu offers every configured hook');
    assert.ok(pid(description));
  });

  it('Invoke counts the invocation; the idle instance is pre-frozen and shows frozen', async () => {
    const { element } = await instance('lifecycle-hello');
    const result = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', element, { event: '{}' });
    assert.ok(result);
    assert.deepStrictEqual(JSON.parse(result.body), { invocations: 1 });
    await waitForDescription('lifecycle-hello', /^frozen · pid \d+ · :9301 · \d+s · 1 invocation$/);
  });

  it('Pre-freeze, Pre-stop and Initialize call the hooks on the running instance', async () => {
    const { element } = await instance('lifecycle-hello');
    const frozen = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.preFreeze', element);
    assert.ok(frozen, 'pre-freeze returned its result');
    assert.strictEqual(frozen.status, 200);
    assert.strictEqual(frozen.body, 'frozen');
    const preStop = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.preStop', element);
    assert.ok(preStop, 'pre-stop returned its result');
    assert.strictEqual(preStop.body, 'stopping');
    const editor = await waitFor('the pre-stop result', 5_000, () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'fcbox-result' && e.document.getText().includes(preStop.requestId)),
    );
    assert.match(editor.document.getText(), /GET \/pre-stop/);
    // Run already called the initializer (once per instance, seed 001 §4.6); the command is an explicit request
    // to send it again.
    const init = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.initialize', element);
    assert.ok(init, 'initialize returned its result');
    assert.strictEqual(init.body, 'initialized');
    await vscode.commands.executeCommand('notifications.clearAll');
    // Hooks are not invocations; pre-stop alone does not stop the instance.
    await waitForDescription('lifecycle-hello', / · 1 invocation$/);
  });

  /** Lines of the shown channel matching `re`, once there are `n` (the Output panel's text follows the channel). */
  const logLines = (logs: vscode.TextDocument, re: RegExp, n: number) =>
    waitFor(`${n} log line(s) matching ${re}`, 5_000, () => {
      const lines = logs.getText().split('\n').filter((l) => re.test(l));
      return lines.length === n ? lines : undefined;
    }).catch((e: Error) => assert.fail(`${e.message}; the channel holds:\n${logs.getText()}`));

  it('Show Logs opens the instance\'s fcbox-log channel with every hook call in it', async () => {
    const { element } = await instance('lifecycle-hello');
    await vscode.commands.executeCommand('fcbox.function.showLogs', element);
    const logs = await shownLogs();
    assert.match(logs.uri.path, /FC Box: lifecycle-hello/);
    await logLines(logs, /\[out\] (?:\[\w+\] )?pre-stop /, 1);
    await logLines(logs, /\[out\] (?:\[\w+\] )?FC Initialize Start RequestId/, 2);
    await logLines(logs, /\[out\] (?:\[\w+\] )?FC Invoke Start RequestId/, 1);
    // One when the instance went idle after the invocation, one from the command.
    await logLines(logs, /\[out\] (?:\[\w+\] )?pre-freeze /, 2);
  });

  it('Restart replaces the instance: a new process, initialized again, no invocations yet', async () => {
    const before = pid(await describeOf('lifecycle-hello'));
    const { element } = await instance('lifecycle-hello');
    await vscode.commands.executeCommand('fcbox.function.restart', element);
    const after = await waitForDescription('lifecycle-hello', /^ready · pid \d+ · :9301 · \d+s · 0 invocations$/);
    assert.notStrictEqual(pid(after), before, 'another process');
    const logs = await shownLogs();
    // Stopping the old instance ran pre-stop; the new one ran the initializer.
    await logLines(logs, /\[out\] (?:\[\w+\] )?pre-stop /, 2);
    await logLines(logs, /\[out\] (?:\[\w+\] )?FC Initialize Start RequestId/, 3);
  });

  it('a container instance is listed beside it, with its container id and published port', async function () {
    this.timeout(90_000);
    const started = await vscode.commands.executeCommand<{ state: string }>('fcbox.function.run', container());
    assert.strictEqual(started?.state, 'ready', 'container-hello runs');
    assert.deepStrictEqual((await treeItems((await fcbox()).trees.instances)).map(label), ['container-hello', 'lifecycle-hello']);
    assert.match(await describeOf('container-hello'), /^ready · container [0-9a-f]{12} · :\d+ · \d+s · 0 invocations$/);
  });

  it('the status bar counts running instances and opens the Instances view', async function () {
    this.timeout(90_000);
    // Only the code-server harness can see and click the status bar; @vscode/test-electron cannot.
    if (!canDriveUi()) this.skip();
    // Somewhere else first, so the click has something to change.
    await vscode.commands.executeCommand('workbench.view.explorer');
    const [text] = await ui('status-bar', [
      { wait: statusItem },
      { read: statusItem },
      { click: statusItem },
      { wait: '.part.sidebar .composite.title:has-text("FC Box")' },
      { wait: '.part.sidebar .pane-header:has-text("Instances")' },
      { wait: '.part.sidebar .monaco-list-row:has-text("lifecycle-hello"):has-text("pid")' },
      { wait: '.part.sidebar .monaco-list-row:has-text("container-hello"):has-text("container")' },
    ]);
    assert.strictEqual(String(text).trim(), '2 running');
    // The picture for the README: the running project's lenses offer every configured hook.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(exampleFile('lifecycle', 's.yaml'));
    const lenses = (await lensTitles(exampleFile('lifecycle', 's.yaml'))).map((t) => t.replace(/\$\([\w-]+\)\s*/, ''));
    assert.deepStrictEqual(lenses, ['Invoke', 'Initialize', 'Pre-freeze', 'Pre-stop', 'Stop']);
    await snapshot('instances-view');
  });

  it('Stop removes each instance; the status bar follows and hides with the last', async () => {
    const containerPort = Number(/ · :(\d+) · /.exec(await describeOf('container-hello'))?.[1]);
    await vscode.commands.executeCommand('fcbox.function.stop', (await instance('container-hello')).element);
    assert.ok(await waitFor('the container\'s port to close', 10_000, () => portClosed(containerPort).then((c) => c || undefined)));
    assert.deepStrictEqual((await treeItems((await fcbox()).trees.instances)).map(label), ['lifecycle-hello']);
    if (canDriveUi()) {
      const [one] = await ui('status-bar-one', [{ wait: '.statusbar-item:has-text("1 running")' }, { read: statusItem }]);
      assert.strictEqual(String(one).trim(), '1 running');
    }
    await vscode.commands.executeCommand('fcbox.function.stop', (await instance('lifecycle-hello')).element);
    assert.deepStrictEqual(await treeItems((await fcbox()).trees.instances), []);
    if (canDriveUi()) await ui('status-bar-none', [{ gone: statusItem }]);
    assert.ok(await waitFor('port 9301 to close', 10_000, () => portClosed(9301).then((c) => c || undefined)));
  });
});
