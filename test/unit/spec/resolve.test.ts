import { strict as assert } from 'assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { variableReferences } from '../../../src/spec';
import { at, FIXTURES, load } from './helpers';

const fc3 = (props: string, extra = '') => `edition: 3.0.0
name: t
vars:
  region: cn-hangzhou
  port: 8080
  nested:
    list: [a, {deep: 42}]
  self: \${vars.self}
${extra}resources:
  fn:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: fn
      runtime: custom
${props}`;

describe('spec/resolve: ${...} variables', () => {
  it('keeps the type of whole-string references and interpolates embedded ones', () => {
    const p = load(fc3(`      customRuntimeConfig:
        port: \${vars.port}
      environmentVariables:
        A: \${vars.nested.list[1].deep}
        B: \${vars.nested.list.1.deep}-x
        C: \${vars.nested}`));
    const f = p.functions[0];
    assert.equal(f.port, 8080);
    assert.deepEqual(f.environment, { A: '42', B: '42-x', C: '{"list":["a",{"deep":42}]}' });
    assert.deepEqual(p.diagnostics, []);
  });

  it('resolves env in all its spellings, with defaults, from the injected environment', () => {
    const p = load(
      fc3(`      environmentVariables:
        A: \${env('FCBOX_A')}
        B: \${env(FCBOX_A)}
        C: \${env.FCBOX_A}
        D: \${env('FCBOX_UNSET', 'fallback')}
        E: \${env("FCBOX_UNSET", \${vars.region})}
        F: \${env('FCBOX_UNSET', path('./x'))}`),
      { env: { FCBOX_A: 'a' } },
    );
    const env = p.functions[0].environment;
    assert.deepEqual([env.A, env.B, env.C, env.D, env.F], ['a', 'a', 'a', 'fallback', path.resolve('/nonexistent-fcbox/x')]);
  });

  it('resolves this.props, resources.<k>.props, <k>.props, path() and file() against the project', () => {
    const p = load(fs.readFileSync(path.join(FIXTURES, 'fc3-custom/s.yaml'), 'utf8'), { dir: path.join(FIXTURES, 'fc3-custom') });
    const worker = p.functions.find((f) => f.resourceKey === 'worker')!;
    assert.equal(worker.name, 'api-cn-hangzhou-worker');
    assert.equal(worker.codeDir, path.join(FIXTURES, 'fc3-custom/code'));
    assert.deepEqual(worker.environment, { API: 'api-cn-hangzhou', CONFIG: 'hello\n' });
  });

  it('leaves unresolvable references as written with a warning at their exact characters, never throwing', () => {
    const text = fc3(`      description: "x \${vars.nope} y"
      handler: \${bogus(1)}
      role: \${vars.self}`);
    const p = load(text);
    const ds = p.diagnostics.filter((d) => d.code === 'unresolved-variable');
    assert.deepEqual(
      ds.map((d) => [at(d), d.message]),
      [
        // The cycle is reported where it closes: at the reference inside vars.self.
        ['8:9', 'the variable refers to itself: ${vars.self}'],
        ['16:23', 'nothing is defined at vars.nope: ${vars.nope}'],
        ['17:16', 'unknown variable function: bogus()'],
      ],
    );
    assert.equal(p.functions[0].handler, '${bogus(1)}');
  });

  it('reports deployment outputs, config() and secret() as deploy-time information, not problems', () => {
    const p = load(fc3(`      role: acs:ram::\${config('AccountID')}:role/x
      description: \${resources.fn.output.url}`));
    assert.deepEqual(p.diagnostics.map((d) => [d.code, d.severity]), [
      ['deploy-time-variable', 'info'],
      ['deploy-time-variable', 'info'],
    ]);
  });

  it('lists every reference with range and value for editor hovers', () => {
    const file = path.join(FIXTURES, 'fc3-custom/s.yaml');
    const refs = variableReferences(file, fs.readFileSync(file, 'utf8'), { env: {} });
    const port = refs.find((r) => r.expression === 'vars.port')!;
    assert.deepEqual(port.range, { start: { line: 32, character: 14 }, end: { line: 32, character: 26 } });
    assert.deepEqual(port.outcome, { status: 'resolved', value: 8080 });
    const common = refs.find((r) => r.expression === 'vars.common')!;
    assert.deepEqual(common.outcome, { status: 'resolved', value: { LOG_LEVEL: 'debug' } });
    assert.ok(refs.every((r) => r.outcome.status === 'resolved'), JSON.stringify(refs));
  });

  it('maps references inside escaped double-quoted strings to their source characters', () => {
    const text = 'edition: 3.0.0\nresources:\n  a:\n    component: x\n    props:\n      k: "\\"q\\" ${config(\\"AccountID\\")} ${vars.v}"\nvars:\n  v: 1\n';
    const refs = variableReferences('/tmp/s.yaml', text, { env: {} });
    assert.deepEqual(
      refs.map((r) => [r.range.start.character, r.range.end.character, r.outcome.status]),
      [
        [16, 40, 'deploy-time'],
        [41, 50, 'resolved'],
      ],
    );
  });

  it('the expansion budget is per value: many functions referring to one large variable all resolve', () => {
    const big = Array.from({ length: 60_000 }, (_, i) => i).join(', ');
    const resources = ['a', 'b', 'c', 'd', 'e']
      .map(
        (n) => `  ${n}:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: ${n}
      runtime: custom-container
      customContainerConfig:
        image: my/app:1
      tags: \${vars.big}
`,
      )
      .join('');
    const p = load(`edition: 3.0.0
name: t
vars:
  big: [${big}]
resources:
${resources}`);
    assert.deepEqual(p.functions.map((f) => [f.name, f.image]), ['a', 'b', 'c', 'd', 'e'].map((n) => [n, 'my/app:1']));
    assert.deepEqual(p.diagnostics.filter((d) => d.code === 'yaml-syntax'), []);
  });
});
