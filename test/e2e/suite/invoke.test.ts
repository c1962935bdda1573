import * as assert from 'assert';
import * as vscode from 'vscode';
import type { InvocationSummary } from '../../../src/vscode/invoke/Invoker';
import { exampleFile, fcbox, functionId, label, lensTitles, portClosed, snapshot, treeItems, waitFor } from './helpers';

describe('Run → Invoke (Node custom runtime)', () => {
  const project = () => exampleFile('node-custom-runtime', 's.yaml');
  const id = () => functionId(project(), 'hello', 'node-hello');

  after(() => vscode.commands.executeCommand('fcbox.function.stop', id()));

  it('runs the function and lists its instance', async () => {
    await vscode.commands.executeCommand('fcbox.function.run', id());
    const api = await fcbox();
    const instances = await waitFor('the instance to be listed', 10_000, async () => {
      const items = await treeItems(api.trees.instances);
      return items.length ? items : undefined;
    });
    assert.deepStrictEqual(instances.map(label), ['node-hello']);
    assert.match(String(instances[0].description), /^ready · pid \d+ · :9000 · \d+s · 0 invocations$/);
    const lenses = (await lensTitles(project())).map((t) => t.replace(/\$\([\w-]+\)\s*/, ''));
    assert.deepStrictEqual(lenses, ['Invoke', 'Initialize', 'Pre-stop', 'Stop']);
  });

  it('invokes it and shows the result with the invocation\'s logs', async () => {
    const result = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', id(), { event: '{"name":"e2e"}' });
    assert.ok(result, 'the invoke command returned a result');
    assert.strictEqual(result.errorCode, undefined);
    assert.strictEqual(result.status, 200);
    assert.deepStrictEqual(JSON.parse(result.body), { message: 'hello, e2e' });
    const editor = await waitFor('the result editor', 5_000, () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'fcbox-result'));
    const text = editor.document.getText();
    assert.match(text, /^# node-hello · 200 OK · ok/);
    assert.ok(text.includes(result.requestId), 'the result names the request id');
    assert.ok(text.includes(`FC Invoke Start RequestId: ${result.requestId}`), 'the result holds the invocation\'s log lines');
    await vscode.commands.executeCommand('workbench.view.extension.fcbox');
    await snapshot('invoke-result');
  });

  it('stops, leaving no instance', async () => {
    await vscode.commands.executeCommand('fcbox.function.stop', id());
    const api = await fcbox();
    assert.deepStrictEqual(await treeItems(api.trees.instances), []);
    assert.ok(await waitFor('port 9000 to close', 10_000, () => portClosed(9000).then((c) => c || undefined)));
    const lenses = (await lensTitles(project())).map((t) => t.replace(/\$\([\w-]+\)\s*/, ''));
    assert.deepStrictEqual(lenses, ['Run', 'Debug']);
  });
});

describe('Invoke an HTTP function', () => {
  const id = () => functionId(exampleFile('http-function', 's.yaml'), 'web', 'http-hello');

  after(() => vscode.commands.executeCommand('fcbox.function.stop', id()));

  it('passes method, path and query through and shows the response', async () => {
    const result = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', id(), {
      method: 'GET',
      path: '/greet?name=e2e',
      headers: { 'x-e2e': '1' },
      body: '',
    });
    assert.ok(result, 'the invoke command returned a result');
    assert.strictEqual(result.status, 200);
    assert.strictEqual(result.body, 'hello, e2e\n');
  });

  it('is reachable through the gateway\'s HTTP trigger path', async () => {
    const gateway = (await fcbox()).gatewayUrl();
    assert.ok(gateway, 'a gateway listens while the function runs');
    const res = await fetch(`${gateway}/2016-08-15/proxy/default/http-hello/greet?name=gateway`);
    assert.strictEqual(res.status, 200);
    assert.strictEqual(await res.text(), 'hello, gateway\n');
  });
});

describe('a function that cannot start', () => {
  it('reports the s.yaml problem (message, hint, actions) and leaves no instance', async () => {
    // broken/s.yaml: port 70000.
    const id = functionId(exampleFile('broken', 's.yaml'), 'broken', 'broken-hello');
    const result = await vscode.commands.executeCommand('fcbox.function.run', id);
    assert.strictEqual(result, undefined, 'the run command failed');
    const api = await fcbox();
    assert.deepStrictEqual(await treeItems(api.trees.instances), []);
    await vscode.commands.executeCommand('workbench.view.extension.fcbox');
    await snapshot('start-error');
    await vscode.commands.executeCommand('notifications.clearAll');
  });
});
