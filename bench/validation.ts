/**
 * Validation time: fcbox's whole pipeline (parse with ranges, resolve ${...}, normalise, schema + semantic checks)
 * over the vendored s.yaml corpus, side by side with a bare `yaml.parse` of the same texts — the floor any
 * YAML-based tool pays. Reported per file, with the ratio.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadProject } from '../src/spec';

const CORPUS = path.resolve(__dirname, '../test/fixtures/corpus');
const ROUNDS = 20;

export interface ValidationBench {
  files: number;
  bareYamlParseMsPerFile: number;
  fcboxLoadMsPerFile: number;
  ratio: number;
}

function timePerFile(files: string[], fn: (file: string, text: string) => void): number {
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  files.forEach((f, i) => fn(f, texts[i])); // warm-up: JIT and ajv's compiled schema
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) files.forEach((f, i) => fn(f, texts[i]));
  return (performance.now() - t0) / (ROUNDS * files.length);
}

export function runValidationBench(): ValidationBench {
  const files = ['v1', 'v3'].flatMap((d) => fs.readdirSync(path.join(CORPUS, d)).map((f) => path.join(CORPUS, d, f)));
  const bare = timePerFile(files, (_f, text) => {
    try {
      parse(text);
    } catch {
      // a template the bare parser rejects still counts: fcbox reports it as a diagnostic
    }
  });
  const fcbox = timePerFile(files, (file, text) => loadProject(file, { text, env: {}, checkFiles: false }));
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { files: files.length, bareYamlParseMsPerFile: round(bare), fcboxLoadMsPerFile: round(fcbox), ratio: round(fcbox / bare) };
}
