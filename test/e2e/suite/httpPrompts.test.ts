import * as assert from 'assert';
import * as vscode from 'vscode';
import type { InvocationSummary } from '../../../src/vscode/invoke/Invoker';
import type { UiStep } from '../runner/config';
import { canDriveUi, exampleFile, functionId, QUICK_INPUT, ui } from './helpers';

/**
 * Invoking an HTTP function with no request given asks method, path, headers and body in quick inputs, each
 * offering what this function was last invoked with. The harness types into them as a person would.
 */
describe('HTTP invoke prompts', () => {
  const id = () => functionId(exampleFile('http-function', 's.yaml'), 'web', 'http-hello');

  before(function () {
    // Only the code-server harness has a browser to type with; @vscode/test-electron has none.
    if (!canDriveUi()) this.skip();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('fcbox.function.stop', id());
  });

  /** Each prompt in turn: what it offers is read, then `answer` is typed (or the offer accepted) and Enter pressed. */
  function answerPrompts(answers: { method?: string; path?: string; headers?: string; body?: string }): UiStep[] {
    const input = (prompt: string, value: string | undefined): UiStep[] => [
      { wait: QUICK_INPUT.message(prompt) },
      { read: QUICK_INPUT.input },
      ...(value === undefined ? [] : [{ fill: QUICK_INPUT.input, value }]),
      { press: QUICK_INPUT.input, key: 'Enter' },
    ];
    return [
      { wait: QUICK_INPUT.placeholder('http-hello: HTTP method') },
      { readAll: QUICK_INPUT.items },
      ...(answers.method === undefined ? [] : [{ fill: QUICK_INPUT.input, value: answers.method }]),
      { press: QUICK_INPUT.input, key: 'Enter' },
      ...input('Path and query', answers.path),
      ...input('Headers, separated by', answers.headers),
      ...input('Body', answers.body),
      { gone: '.quick-input-widget' },
    ];
  }

  it('asks method, path, headers and body, offering the last request, and remembers the new one', async function () {
    this.timeout(120_000);
    // The last request: what a script (or an earlier invocation) sent.
    const seeded = await vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', id(), {
      method: 'GET',
      path: '/greet?name=seeded',
      headers: { 'x-seed': '1' },
      body: '',
    });
    assert.strictEqual(seeded?.body, 'hello, seeded\n');

    const first = vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', id());
    const offered = await ui('http-prompts-first', answerPrompts({ method: 'POST', path: '/greet?name=typed', headers: 'x-e2e: typed; x-other: 2', body: '{"typed":true}' }));
    // The remembered method comes first, then the trigger's others.
    assert.deepStrictEqual(offered, [['GET', 'POST'], '/greet?name=seeded', 'x-seed: 1', '']);
    const typed = await first;
    assert.ok(typed, 'the invocation with the typed request returned');
    assert.strictEqual(typed.status, 200);
    assert.strictEqual(typed.body, 'hello, typed\n');
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'fcbox-result' && e.document.getText().includes(typed.requestId));
    assert.ok(editor, 'the result editor shows the typed request');
    assert.match(editor.document.getText(), /POST \/greet\?name=typed/);

    // Accepting every offer sends the same request again.
    const second = vscode.commands.executeCommand<InvocationSummary>('fcbox.function.invoke', id());
    const remembered = await ui('http-prompts-second', answerPrompts({}));
    assert.deepStrictEqual(remembered, [['POST', 'GET'], '/greet?name=typed', 'x-e2e: typed; x-other: 2', '{"typed":true}']);
    const again = await second;
    assert.ok(again);
    assert.strictEqual(again.body, 'hello, typed\n');
  });
});
