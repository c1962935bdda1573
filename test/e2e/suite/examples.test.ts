import * as assert from 'assert';
import * as vscode from 'vscode';
import type { InvocationSummary } from '../../../src/vscode/invoke/Invoker';
import { exampleFile, fcbox, functionId, label, treeItems, waitFor } from './helpers';

/**
 * The other examples, invoked with the command the lenses and tree items use (it starts the instance first).
 * The container ones run from images the harness built FROM the local node image (harness.ts
 * prepareExampleImages), named in the workspace copy's project files.
 */
describe('Invoke the other examples', () => {
  const python = () => functionId(exampleFile('python-custom-runtime', 's.yaml'), 'hello', 'python-hello');
  const container = () => functionId(exampleFile('custom-container', 's.yaml'), 'hello', 'container-hello');
  const scf = () => functionId(exampleFile('scf-web', 'serverless.yml'), 'scf-web', 'scf-hello');

  async function instanceDescription(name: string): Promise<string> {
    const api = await fcbox();
    const item = (await treeItems(api.trees.instances)).find((i) => label(i) === name);
    assert.ok(item, `${name} is listed in the Instances view`);
    return String(item.description);
  }

  async function stopLeavesNoInstance(id: string): Promise<void> {
    await vscode.commands.executeCommand('fcbox.function.stop', id);
    assert.deepStrictEqual(await treeItems((await fcbox()).trees.instances), []);
  }

  after(async () => {
    for (const id of [python(), container(), scf()]) await vscode.commands.executeCommand('fcbox.function.stop', id);
  });

  it('Python custom runtime: the event reaches server.py and its body comes back', async () => {
    const result = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', python(), { event: '{"name":"python"}' });
    assert.ok(result, 'the invoke command returned a result');
    assert.strictEqual(result.errorCode, undefined);
    assert.strictEqual(result.status, 200);
    assert.deepStrictEqual(JSON.parse(result.body), { message: 'hello, python' });
    assert.match(await instanceDescription('python-hello'), /^ready · pid \d+ · :9000 · \d+s · 1 invocation$/);
    await stopLeavesNoInstance(python());
  });

  it('custom container: the image runs with the docker backend and answers /invoke', async function () {
    this.timeout(120_000);
    const result = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', container(), { event: '{"name":"e2e"}' });
    assert.ok(result, 'the invoke command returned a result');
    assert.strictEqual(result.errorCode, undefined);
    assert.strictEqual(result.status, 200);
    assert.deepStrictEqual(JSON.parse(result.body), { message: 'hello from a container, e2e' });
    const editor = await waitFor('the result editor', 5_000, () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'fcbox-result' && e.document.getText().includes(result.requestId)),
    );
    // The attach stream may trail the response; the result view takes the lines in as they come.
    await waitFor("the container's log lines in the result", 5_000, () => editor.document.getText().includes(`FC Invoke Start RequestId: ${result.requestId}`));
    // The host port docker published for the container's 8080.
    assert.match(await instanceDescription('container-hello'), /^ready · container [0-9a-f]{12} · :\d+ · \d+s · 1 invocation$/);
    await stopLeavesNoInstance(container());
  });

  it('SCF web function: an HTTP request reaches the image\'s server with the x-scf-* headers', async function () {
    this.timeout(120_000);
    const result = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', scf(), { method: 'GET', path: '/hi?from=e2e', headers: {}, body: '' });
    assert.ok(result, 'the invoke command returned a result');
    assert.strictEqual(result.errorCode, undefined);
    assert.strictEqual(result.status, 200);
    assert.deepStrictEqual(JSON.parse(result.body), { message: 'hello from SCF', function: 'scf-hello', path: '/hi?from=e2e' });
    assert.match(await instanceDescription('scf-hello'), /^ready · container [0-9a-f]{12} · :\d+ · \d+s · 1 invocation$/);
    await stopLeavesNoInstance(scf());
  });
});
