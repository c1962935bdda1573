import { strict as assert } from 'assert';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../../src/spec';
import { at, codes, load, only, scratch } from './helpers';

/** A minimal valid 3.0.0 custom-runtime project, with `props` appended to the function. */
const fc3 = (props: string) => `edition: 3.0.0
name: t
resources:
  fn:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: fn
      runtime: custom
      code: ./code
${props}`;

const BOOTSTRAP = '#!/bin/bash\nexec node server.js\n';

describe('spec/validate: every diagnostic code, with its message and range', () => {
  it('the codes table is complete and unique', () => {
    const names = DIAGNOSTIC_CODES.map((c) => c.code);
    assert.equal(new Set(names).size, names.length);
  });

  it('yaml-syntax', () => {
    const d = only(load('edition: 3.0.0\nresources:\n  a: [1, 2\n'), 'yaml-syntax');
    assert.equal(d.severity, 'error');
    assert.match(d.message, /flow sequence|Missing|closing/i);
  });

  it('yaml-syntax for duplicate keys', () => {
    const d = only(load(fc3('      timeout: 3\n      timeout: 4\n')), 'yaml-syntax');
    assert.equal(at(d), '12:7');
    assert.match(d.message, /unique/);
  });

  it('file-unreadable', () => {
    const p = require('../../../src/spec').loadProject('/nonexistent-fcbox/s.yaml');
    assert.deepEqual(codes(p), ['file-unreadable']);
  });

  it('unknown-edition', () => {
    const d = only(load('foo: 1\n'), 'unknown-edition');
    assert.equal(at(d), '1:1');
  });

  it('unknown-key with "did you mean", on the key itself', () => {
    const d = only(load(fc3('      timeuot: 3\n')), 'unknown-key');
    assert.equal(d.message, 'unknown key "timeuot"; did you mean "timeout"?');
    assert.equal(d.severity, 'warning');
    assert.equal(at(d), '11:7');
    assert.deepEqual(d.range.end, { line: 10, character: 13 });
    assert.deepEqual(d.fix, { replacement: 'timeout' });
  });

  it('unknown-key in edition 1.0.0 (a case slip such as cAPort)', () => {
    const p = load(`edition: 1.0.0
services:
  s:
    component: fc
    props:
      region: cn-hangzhou
      service: { name: svc }
      function:
        name: f
        runtime: custom
        cAPort: 9000
`);
    const d = only(p, 'unknown-key');
    assert.equal(d.message, 'unknown key "cAPort"; did you mean "caPort"?');
    assert.equal(at(d), '11:9');
  });

  it('missing-key', () => {
    const d = only(load('edition: 3.0.0\nresources:\n  fn:\n    component: fc3\n    props:\n      region: cn-hangzhou\n      runtime: custom\n'), 'missing-key');
    assert.equal(d.message, 'props needs the key: functionName');
    assert.equal(at(d), '5:5');
  });

  it('invalid-type, and ${...} accepted where a number is expected', () => {
    const d = only(load(fc3('      timeout: soon\n      memorySize: ${vars.m}\n')), 'invalid-type');
    assert.equal(d.message, 'timeout must be integer');
    assert.equal(at(d), '11:16');
  });

  it('invalid-value with the closest allowed value as hint', () => {
    const d = only(load(fc3('      triggers:\n        - triggerName: t\n          triggerType: htp\n          triggerConfig: {}\n')), 'invalid-value');
    assert.equal(d.message, 'not an allowed value for triggerType: htp');
    assert.match(d.hint!, /^did you mean "http"\?/);
    assert.equal(at(d), '13:24');
    assert.deepEqual(d.fix, { replacement: 'http' });
  });

  it('out-of-range', () => {
    const d = only(load(fc3('      timeout: 0\n')), 'out-of-range');
    assert.equal(d.message, 'timeout must be >= 1: 0');
    assert.equal(at(d), '11:16');
  });

  it('unresolved-variable, env-unset and deploy-time-variable', () => {
    const p = load(fc3('      handler: ${vars.h}\n      description: ${env(\'FCBOX_NOPE\')}\n      role: ${config(AccountID)}\n'));
    assert.equal(at(only(p, 'unresolved-variable')), '11:16');
    const env = only(p, 'env-unset');
    assert.deepEqual([at(env), env.severity, env.message], ['12:20', 'warning', 'environment variable is not set and has no default: FCBOX_NOPE']);
    assert.equal(at(only(p, 'deploy-time-variable')), '13:13');
  });

  it('codedir-missing', () => {
    const dir = scratch({});
    const d = only(load(fc3(''), { dir }), 'codedir-missing');
    assert.equal(d.message, `code directory does not exist: ${path.join(dir, 'code')}`);
    assert.equal(at(d), '10:13');
  });

  it('bootstrap-missing: custom runtime with no command and no bootstrap', () => {
    const dir = scratch({ 'code/server.js': '' });
    const d = only(load(fc3(''), { dir }), 'bootstrap-missing');
    assert.equal(d.message, 'custom runtime has no start command and no bootstrap file: code/bootstrap');
    assert.equal(at(d), '10:13');
  });

  it('no bootstrap needed when a command is configured; command-not-found for a missing file in the code dir', () => {
    const dir = scratch({ 'code/server.js': '' });
    assert.deepEqual(codes(load(fc3('      customRuntimeConfig:\n        command: [node, server.js]\n'), { dir })), []);
    const d = only(load(fc3('      customRuntimeConfig:\n        command: [./target/main]\n'), { dir }), 'command-not-found');
    assert.equal(d.message, 'start command not found in the code directory: code/target/main');
    assert.equal(at(d), '12:18');
  });

  it('CAFilePermission: bootstrap not executable', () => {
    const dir = scratch({ 'code/bootstrap': { text: BOOTSTRAP, mode: 0o644 } });
    const d = only(load(fc3(''), { dir }), 'CAFilePermission');
    assert.equal(d.message, 'start file is not executable: code/bootstrap');
    assert.equal(d.hint, 'run: chmod +x code/bootstrap');
    assert.equal(at(d), '10:13');
    assert.deepEqual(d.fix, { startFile: path.join(dir, 'code/bootstrap') });
  });

  it('CAExited: bootstrap without a #! line', () => {
    const dir = scratch({ 'code/bootstrap': { text: 'node server.js\n', mode: 0o755 } });
    const d = only(load(fc3(''), { dir }), 'CAExited');
    assert.equal(d.message, 'start file has no #! line and is not a binary: code/bootstrap');
    assert.equal(at(d), '10:13');
  });

  it('a binary start file needs no #! line', () => {
    const dir = scratch({ 'code/bootstrap': { text: '\x7fELF\x02\x01\x01', mode: 0o755 } });
    assert.deepEqual(codes(load(fc3(''), { dir })), []);
  });

  it('bootstrap-crlf', () => {
    const dir = scratch({ 'code/bootstrap': { text: BOOTSTRAP.replace(/\n/g, '\r\n'), mode: 0o755 } });
    const d = only(load(fc3(''), { dir }), 'bootstrap-crlf');
    assert.equal(d.message, 'start file has Windows (CRLF) line endings: code/bootstrap');
    assert.equal(at(d), '10:13');
  });

  it('a good bootstrap passes every check', () => {
    const dir = scratch({ 'code/bootstrap': { text: BOOTSTRAP, mode: 0o755 } });
    assert.deepEqual(codes(load(fc3(''), { dir })), []);
  });

  it('image-missing', () => {
    const d = only(load(fc3('      customContainerConfig:\n        port: 9000\n').replace('runtime: custom', 'runtime: custom-container')), 'image-missing');
    assert.equal(d.message, 'custom-container function has no image: fn');
    assert.equal(at(d), '12:9');
  });

  it('container-command-json (edition 1.0.0)', () => {
    const p = load(`edition: 1.0.0
services:
  s:
    component: fc
    props:
      region: cn-hangzhou
      service: { name: svc }
      function:
        name: f
        runtime: custom-container
        customContainerConfig:
          image: img
          command: node server.js
`);
    const d = only(p, 'container-command-json');
    assert.equal(d.message, 'expected a JSON array of strings: node server.js');
    assert.equal(d.hint, `write it as a quoted JSON array, e.g. '["node","server.js"]'`);
    assert.equal(at(d), '13:20');
  });

  it('port-out-of-range', () => {
    const d = only(load(fc3('      customRuntimeConfig:\n        port: 70000\n')), 'port-out-of-range');
    assert.equal(d.message, 'port must be between 1 and 65535: 70000');
    assert.equal(at(d), '12:15');
  });

  it('initializer-timeout', () => {
    const d = only(load(fc3('      timeout: 5\n      instanceLifecycleConfig:\n        initializer:\n          handler: init\n          timeout: 10\n')), 'initializer-timeout');
    assert.equal(d.message, 'initializer timeout (10 s) is longer than the function timeout: 5 s');
    assert.equal(d.severity, 'warning');
    assert.equal(at(d), '15:20');
  });

  it('http-trigger-no-methods', () => {
    const d = only(
      load(fc3('      triggers:\n        - triggerName: web\n          triggerType: http\n          triggerConfig:\n            authType: anonymous\n            methods: []\n')),
      'http-trigger-no-methods',
    );
    assert.equal(d.message, 'HTTP trigger lists no methods: web');
    assert.equal(at(d), '16:22');
  });

  it('duplicate-function (same name in the same region)', () => {
    const text = fc3('') + '  again:\n    component: fc3\n    props:\n      region: cn-hangzhou\n      functionName: fn\n      runtime: custom\n  elsewhere:\n    component: fc3\n    props:\n      region: cn-shanghai\n      functionName: fn\n      runtime: custom\n';
    const d = only(load(text), 'duplicate-function');
    assert.equal(d.message, 'function name already used by "fn": fn');
    assert.equal(at(d), '15:21');
  });

  it('every code in the table is exercised by this suite', function () {
    const body = require('fs').readFileSync(__filename, 'utf8') as string;
    const missing = DIAGNOSTIC_CODES.filter((c) => !body.includes(`'${c.code}'`)).map((c) => c.code);
    assert.deepEqual(missing, []);
  });
});
