/** package.json's debug contributions are generated from src/debug/configuration.ts; this fails when stale. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { render, withDebugContributions } from '../../src/debug/generateContributions';
import { DEBUG_TYPE, launchAttributes } from '../../src/debug/configuration';

describe('debug contributions', () => {
  const file = path.resolve(__dirname, '../../package.json');
  const current = fs.readFileSync(file, 'utf8');

  it('package.json is up to date (run `npm run gen:debug`)', () => {
    assert.equal(render(withDebugContributions(JSON.parse(current))), current);
  });

  it('declares the fcbox debugger with launch and attach schemas', () => {
    const pkg = JSON.parse(current);
    const debuggers = pkg.contributes.debuggers.filter((d: { type: string }) => d.type === DEBUG_TYPE);
    assert.equal(debuggers.length, 1);
    assert.deepEqual(Object.keys(debuggers[0].configurationAttributes), ['launch', 'attach']);
    for (const key of ['project', 'function', 'backend', 'language', 'debugPort', 'localRoot', 'remoteRoot', 'stopOnEntry', 'env', 'invoke', 'preStopOnExit', 'startupTimeout', 'credentials']) {
      assert.ok(key in launchAttributes.properties, key);
    }
    assert.equal(launchAttributes.properties.preStopOnExit.default, true);
  });
});
