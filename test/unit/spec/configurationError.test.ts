import { strict as assert } from 'assert';
import { configurationError } from '../../../src/spec';
import { load, scratch } from './helpers';

const project = (fns: string) => `edition: 3.0.0
name: t
resources:
${fns}`;
const fn = (key: string, props: string) => `  ${key}:
    component: fc3
    props:
      functionName: ${key}
      runtime: custom
      code: ./code
${props}`;

describe('spec/configurationError: which s.yaml problems stop a local start', () => {
  const dir = scratch({ 'code/bootstrap': { text: '#!/bin/bash\nexec node server.js\n', mode: 0o755 } });

  it('blocks the function whose own section has the problem, with where and the fix', () => {
    const p = load(project(fn('good', '') + fn('bad', '      customRuntimeConfig:\n        port: 70000\n')), { dir });
    const [good, bad] = p.functions;
    assert.equal(configurationError(p, good), undefined);
    const e = configurationError(p, bad)!;
    assert.equal(e.code, 'port-out-of-range');
    assert.equal(e.message, 'bad cannot start: port must be between 1 and 65535: 70000 (s.yaml:17:15)');
  });

  it('does not block on deploy-only problems (no region, a misspelt key) or start-file problems the host reports', () => {
    const noExec = scratch({ 'code/bootstrap': { text: '#!/bin/bash\n', mode: 0o644 } });
    const p = load(project(fn('f', '      timeuot: 3\n')), { dir: noExec });
    assert.deepEqual(p.diagnostics.map((d) => d.code).sort(), ['CAFilePermission', 'missing-key', 'unknown-key']);
    assert.equal(configurationError(p, p.functions[0]), undefined);
  });
});
