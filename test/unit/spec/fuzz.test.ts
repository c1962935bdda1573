import { strict as assert } from 'assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { isMap, isSeq, parseDocument } from 'yaml';
import { loadProject, variableReferences } from '../../../src/spec';
import { FIXTURES } from './helpers';

const SEEDS = ['fc3-custom/s.yaml', 'fc2-lifecycle/s.yaml', 'container-v1/s.yaml', 'scf-web/serverless.yml'].map((f) =>
  fs.readFileSync(path.join(FIXTURES, f), 'utf8'),
);

/** Paths of every key in a document, so a mutation can pick one by number. */
function keyPaths(doc: ReturnType<typeof parseDocument>): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (node: unknown, at: (string | number)[]): void => {
    if (isMap(node)) for (const p of node.items) {
      const key = (p.key as { value?: unknown } | null)?.value;
      if (typeof key !== 'string') continue;
      out.push([...at, key]);
      walk(p.value, [...at, key]);
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...at, i]));
  };
  walk(doc.contents, []);
  return out;
}

const TOKENS = ['${', '}', '${vars.', '${env(', "'", '"', '{{ x }}', ': ', '- ', '\n', '\n  ', '&a ', '*a', '\t', '\r\n', '\u0000', '\ufeff', '#', '[', ']', '{', '? '];

const structural = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('retype' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
);
const textual = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })) }),
  fc.record({ op: fc.constant('bytes' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);

type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;

function mutate(seed: string, structure: Of<typeof structural>[], text: Of<typeof textual>[]): string {
  const doc = parseDocument(seed);
  for (const m of structure) {
    const paths = keyPaths(doc);
    if (paths.length === 0) break;
    const at = paths[m.pick % paths.length];
    if (m.op === 'drop') doc.deleteIn(at);
    else doc.setIn(at, doc.createNode(m.value));
  }
  let out = String(doc);
  for (const m of text) {
    const at = out.length ? m.at % out.length : 0;
    if (m.op === 'truncate') out = out.slice(0, at);
    else if (m.op === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.op === 'bytes') out = out.slice(0, at) + Buffer.from(m.bytes).toString('latin1') + out.slice(at);
    else out = out.slice(0, at) + out.slice(at + m.length);
  }
  return out;
}

describe('spec: fuzzing the s.yaml pipeline', function () {
  this.timeout(Number(process.env.FCBOX_FUZZ_RUNS ?? 2500) * 25);

  it('never throws on thousands of mutated documents; problems are diagnostics with sane ranges', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: SEEDS.length - 1 }),
        fc.array(structural, { maxLength: 4 }),
        fc.array(textual, { maxLength: 4 }),
        fc.constantFrom('s.yaml', 'serverless.yml'),
        (seed, structure, text, name) => {
          const yaml = mutate(SEEDS[seed], structure, text);
          const file = path.join(FIXTURES, 'fc3-custom', name);
          const project = loadProject(file, { text: yaml, env: {} });
          assert.ok(Array.isArray(project.functions) && Array.isArray(project.diagnostics));
          for (const d of project.diagnostics) {
            assert.ok(d.range.start.line >= 0 && d.range.start.character >= 0 && d.message && d.code, JSON.stringify(d));
            const [s, e] = [d.range.start, d.range.end];
            assert.ok(e.line > s.line || (e.line === s.line && e.character >= s.character), JSON.stringify(d));
          }
          for (const f of project.functions) assert.ok(typeof f.name === 'string' && Number.isFinite(f.port), JSON.stringify(f));
          variableReferences(file, yaml, { env: {} });
        },
      ),
      { numRuns: Number(process.env.FCBOX_FUZZ_RUNS ?? 2500), seed: Number(process.env.FCBOX_FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it('survives an alias bomb without expanding it', () => {
    const bomb = ['edition: 3.0.0', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    bomb.push('resources:\n  fn:\n    component: fc3\n    props:\n      functionName: f\n      runtime: custom\n      region: cn-hangzhou\n      environmentVariables: { X: *i }');
    const started = Date.now();
    const project = loadProject('/nonexistent-fcbox/s.yaml', { text: bomb.join('\n'), env: {} });
    assert.ok(Date.now() - started < 5000);
    assert.ok(project.diagnostics.some((d) => d.code === 'yaml-syntax'), JSON.stringify(project.diagnostics));
  });
});
