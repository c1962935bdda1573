import * as assert from 'assert';
import * as vscode from 'vscode';
import { exampleFile, lensTitles, waitFor } from './helpers';

describe('code lenses', () => {
  it('offer Run and Debug on each function of a stopped project', async () => {
    const titles = await waitFor('lenses on node-custom-runtime/s.yaml', 20_000, async () => {
      const t = await lensTitles(exampleFile('node-custom-runtime', 's.yaml'));
      return t.length ? t : undefined;
    });
    assert.deepStrictEqual(titles.map((t) => t.replace(/\$\([\w-]+\)\s*/, '')), ['Run', 'Debug']);
  });

  it('offer "Invoke <function> with this event" on an event file', async () => {
    const event = exampleFile('node-custom-runtime', '.fcbox', 'events', 'node-hello', 'greeting.json');
    await vscode.workspace.fs.writeFile(event, Buffer.from('{"name":"lens"}\n'));
    await vscode.window.showTextDocument(event);
    const titles = await waitFor('the event-file lens', 10_000, async () => {
      const t = await lensTitles(event);
      return t.length ? t : undefined;
    });
    assert.deepStrictEqual(titles, ['$(send) Invoke node-hello with this event']);
  });
});
