import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/main';
import { FIXTURES, scratch } from './helpers';

const REPO = path.resolve(__dirname, '../../..');
/** The SCF fixture reads `${env:FCBOX_TEST_STAGE}`. */
const ENV = { FCBOX_TEST_STAGE: 'dev' };

async function cli(argv: string[], cwd = FIXTURES): Promise<{ code: number; stdout: string; stderr: string }> {
  const collect = () => {
    const s = new PassThrough();
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    return { s, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const out = collect();
  const err = collect();
  const code = await runCli(argv, { stdout: out.s, stderr: err.s, stdin: new PassThrough(), cwd, env: ENV });
  return { code, stdout: out.text(), stderr: err.text() };
}

const BROKEN = `edition: 3.0.0
resources:
  fn:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: fn
      runtime: custom
      timeuot: 3
      customRuntimeConfig:
        command: [node, server.js]
        port: 0
`;

describe('cli: fcbox validate / list', () => {
  it('validate: a clean tree prints a summary and exits 0', async () => {
    const r = await cli(['validate']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '4 file(s), 5 function(s): 0 error(s), 0 warning(s)\n');
  });

  it('validate: prints file:line:col: severity: message [code] (1-based) and exits 1 on an error', async () => {
    const dir = scratch({ 's.yaml': BROKEN });
    const r = await cli(['validate', 's.yaml'], dir);
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n').filter((l) => !l.startsWith('    '));
    assert.deepEqual(lines, [
      's.yaml:9:7: warning: unknown key "timeuot"; did you mean "timeout"? [unknown-key]',
      's.yaml:12:15: error: port must be between 1 and 65535: 0 [port-out-of-range]',
      '1 file(s), 1 function(s): 1 error(s), 1 warning(s)',
      '',
    ]);
    assert.match(r.stdout, /\n {4}fix: rename it to timeout\n/);
  });

  it('validate --json: every diagnostic, zero-based ranges', async () => {
    const dir = scratch({ 's.yaml': BROKEN });
    const r = await cli(['validate', '--json', path.join(dir, 's.yaml')]);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.files, [path.join(dir, 's.yaml')]);
    assert.deepEqual(
      json.diagnostics.map((d: { code: string; range: { start: unknown } }) => [d.code, d.range.start]),
      [
        ['unknown-key', { line: 8, character: 6 }],
        ['port-out-of-range', { line: 11, character: 14 }],
      ],
    );
  });

  it('list: one row per function with platform, runtime, kind, port and code dir', async () => {
    const r = await cli(['list']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows[0], ['FUNCTION', 'PLATFORM', 'RUNTIME', 'KIND', 'PORT', 'CODE DIR | IMAGE', 'FILE']);
    assert.deepEqual(rows.slice(1).map((r) => r.slice(0, 6)), [
      ['box-service/box', 'fc', 'custom-container', 'event', '8080', 'container-v1'],
      ['web-service/flask', 'fc', 'custom', 'http', '9001', 'fc2-lifecycle/code'],
      ['api-cn-hangzhou', 'fc', 'custom.debian10', 'http', '8080', 'fc3-custom/code'],
      ['api-cn-hangzhou-worker', 'fc', 'custom', 'event', '9000', 'fc3-custom/code'],
      ['web-demo-fn', 'scf', 'web-image', 'http', '9000', 'scf-web/src'],
    ]);
  });

  it('list --json: the normalised specs', async () => {
    const r = await cli(['list', '--json', 'scf-web/serverless.yml']);
    assert.equal(r.code, 0);
    const [spec] = JSON.parse(r.stdout);
    assert.deepEqual([spec.platform, spec.kind, spec.port, spec.image], ['scf', 'http', 9000, 'ccr.ccs.tencentyun.com/demo/web:latest']);
  });

  it('list --json: environment variable names only (values are often secrets); --show-env prints the values', async () => {
    const dir = scratch({
      's.yaml': `edition: 3.0.0
resources:
  fn:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: fn
      runtime: custom-container
      customContainerConfig:
        image: my/app:1
      environmentVariables:
        DB_PASSWORD: hunter2
`,
    });
    const hidden = await cli(['list', '--json', dir]);
    assert.equal(hidden.code, 0, hidden.stderr);
    assert.deepEqual(JSON.parse(hidden.stdout)[0].environment, ['DB_PASSWORD']);
    assert.doesNotMatch(hidden.stdout, /hunter2/);
    const shown = await cli(['list', '--json', '--show-env', dir]);
    assert.deepEqual(JSON.parse(shown.stdout)[0].environment, { DB_PASSWORD: 'hunter2' });
    assert.equal((await cli(['list', '--show-env', dir])).code, 2);
  });

  it('start: when every function has errors, says so (not "declares no functions") and exits 2', async () => {
    const fn = (name: string) => `  ${name}:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: ${name}
      runtime: custom.debian10
      code: ./missing
`;
    const dir = scratch({ 's.yaml': `edition: 3.0.0\nresources:\n${fn('a')}${fn('b')}` });
    const r = await cli(['start', dir, '--port', '0']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /fcbox: all 2 functions have errors; run `fcbox validate`/);
  });

  it('usage errors: a missing path, an unknown flag, two paths, a folder without projects — one line, exit 2', async () => {
    for (const argv of [['validate', 'missing.yaml'], ['list', '--bogus'], ['validate', 'a', 'b'], ['list', scratch({ 'x.txt': '' })]]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^fcbox: [^\n]+\n$/, r.stderr);
    }
  });

  it('--help on each command', async () => {
    for (const name of ['validate', 'list']) {
      const r = await cli([name, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^fcbox ${name} \\[FILE\\|DIR\\] \\[--json\\]\\n`));
      assert.match(r.stdout, /--json/);
    }
  });

  it('the built dist/cli.js behaves the same', function () {
    this.timeout(120_000);
    const bundle = path.join(REPO, 'dist/cli.js');
    // `npm test` rebuilds first (pretest); a bare mocha run rebuilds when the bundle is older than the sources.
    if (!fs.existsSync(bundle) || fs.statSync(bundle).mtimeMs < newestSource(path.join(REPO, 'src'))) {
      execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
    }
    const ok = spawnSync(process.execPath, [bundle, 'validate', FIXTURES], { encoding: 'utf8', env: { ...ENV, PATH: process.env.PATH } });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout, '4 file(s), 5 function(s): 0 error(s), 0 warning(s)\n');
    const missing = spawnSync(process.execPath, [bundle, 'list', path.join(FIXTURES, 'missing')], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^fcbox: no such file or directory: /);
  });
});

function newestSource(dir: string): number {
  return Math.max(
    0,
    ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs;
    }),
  );
}
