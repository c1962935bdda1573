import * as assert from 'assert';
import * as vscode from 'vscode';
import { fcbox, recordMetric } from './helpers';

describe('activation', () => {
  it('activates on the workspace and reports its activation time', async () => {
    const api = await fcbox();
    assert.strictEqual(typeof api.activationMs, 'number');
    recordMetric('activationMs', api.activationMs);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['fcbox.function.run', 'fcbox.function.debug', 'fcbox.function.invoke', 'fcbox.function.stop', 'fcbox.project.createStarter']) {
      assert.ok(commands.includes(id), `command ${id} registered`);
    }
  });
});
