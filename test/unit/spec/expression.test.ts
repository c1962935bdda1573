import { strict as assert } from 'assert';
import { parseExpression, scanReferences } from '../../../src/spec/expression';

describe('spec/expression', () => {
  it('finds references, skipping braces and quotes inside them', () => {
    const text = "a-${vars.x}-${env('A', '}')}-${json('{\"k\": 1}')}-${unterminated";
    assert.deepEqual(
      scanReferences(text).map((s) => s.source),
      ['vars.x', "env('A', '}')", 'json(\'{"k": 1}\')'],
    );
  });

  it('parses paths with dots, numeric and bracket indexes', () => {
    assert.deepEqual(parseExpression('resources.a-b.output.list[0].x.1'), {
      kind: 'path',
      segments: ['resources', 'a-b', 'output', 'list', 0, 'x', 1],
    });
    assert.deepEqual(parseExpression("vars['key with space']"), { kind: 'path', segments: ['vars', 'key with space'] });
  });

  it('parses calls with quoted, bare and nested arguments', () => {
    assert.deepEqual(parseExpression("env('fc_version', path('../../'))"), {
      kind: 'call',
      name: 'env',
      args: [
        { kind: 'literal', value: 'fc_version' },
        { kind: 'call', name: 'path', args: [{ kind: 'literal', value: '../../' }] },
      ],
    });
    assert.deepEqual(parseExpression('env(IMAGE)'), { kind: 'call', name: 'env', args: [{ kind: 'literal', value: 'IMAGE' }] });
    assert.deepEqual(parseExpression('path(./fc.js)'), { kind: 'call', name: 'path', args: [{ kind: 'literal', value: './fc.js' }] });
    assert.deepEqual(parseExpression('config("AccountID")'), { kind: 'call', name: 'config', args: [{ kind: 'literal', value: 'AccountID' }] });
    assert.deepEqual(parseExpression('env:REGION'), { kind: 'call', name: 'env', args: [{ kind: 'literal', value: 'REGION' }] });
  });

  it('rejects what it does not understand', () => {
    for (const bad of ['', '1abc', 'vars.', 'env(', "env('x'", 'a b', 'vars[x]']) assert.equal(parseExpression(bad), undefined, bad);
  });
});
