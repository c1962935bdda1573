import { strict as assert } from 'assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadProject } from '../../../src/spec';

/**
 * Published s.yaml files (Serverless Devs examples, fc/fc3 test fixtures, start templates). The MIT/Apache ones
 * are vendored in test/fixtures/corpus (see its SOURCES.md); the whole corpus, unlicensed files included, is read
 * as well from `../shared/corpus` (or FCBOX_CORPUS) when that folder exists beside the checkout.
 */
const VENDORED = path.resolve(__dirname, '../../fixtures/corpus');
const SHARED = process.env.FCBOX_CORPUS ?? path.resolve(__dirname, '../../../../shared/corpus/s-yaml');

/**
 * The only corpus files with errors, and the errors they really have. Everything else must have none.
 * Their code directories are not part of the corpus, so the file-system checks are off (`checkFiles: false`);
 * for a user's project a missing code directory is a real error and stays on.
 */
const KNOWN_INVALID: Record<string, string[]> = {
  // fc3's own list of every prop, filled with placeholder values: `port: 0`.
  'v3/devsapp__fc3____tests____complete-props.yaml': ['port-out-of-range'],
  // Misspells `customContainerConfig` as `customContainer`, so the container has no image.
  'v1/devsapp__fc__examples__fc-build-image__s.yml': ['image-missing'],
};

/** relative name → absolute path; the shared copy wins for names both hold (they are the same bytes). */
function corpusFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const root of [VENDORED, SHARED]) {
    if (!fs.existsSync(root)) continue;
    for (const d of ['v1', 'v3']) {
      for (const f of fs.readdirSync(path.join(root, d))) files.set(`${d}/${f}`, path.join(root, d, f));
    }
  }
  return files;
}

describe('spec: the published s.yaml corpus', function () {
  const files = corpusFiles();
  const load = (rel: string) => loadProject(files.get(rel)!, { env: {}, checkFiles: false }).functions;

  it('every file loads without an exception and without a false error', () => {
    let functions = 0;
    const unexpected: string[] = [];
    for (const [rel, file] of files) {
      const project = loadProject(file, { env: {}, checkFiles: false });
      functions += project.functions.length;
      const errors = project.diagnostics.filter((d) => d.severity === 'error');
      const expected = KNOWN_INVALID[rel] ?? [];
      if (JSON.stringify(errors.map((d) => d.code)) !== JSON.stringify(expected)) {
        unexpected.push(`${rel}: ${errors.map((d) => `${d.range.start.line + 1}: ${d.message} [${d.code}]`).join('; ') || 'no error'} (expected ${expected.join(', ') || 'none'})`);
      }
    }
    assert.deepEqual(unexpected, []);
    assert.ok(files.size >= 43, `corpus has ${files.size} files`);
    assert.ok(functions >= 45, `only ${functions} functions found`);
  });

  it('reads the custom runtime and container examples as the platform would run them', () => {
    const [python] = load('v3/devsapp__fc3____tests____e2e__custom__python__s.yaml');
    assert.deepEqual([python.runtime, python.port, python.command?.[0]], ['custom', 8099, 'gunicorn']);
    const [container] = load('v3/devsapp__fc3____tests____e2e__custom-container__s.yaml');
    assert.deepEqual([container.command, container.args, container.port], [['node'], ['/home/code/server.js'], 9001]);
    const [config] = load('v1/devsapp__fc__examples__function-config__s.yaml');
    assert.deepEqual([config.kind, config.initializer, config.preFreeze, config.preStop], [
      'event',
      undefined,
      { handler: 'index.preFreeze', timeout: 60 },
      { handler: 'index.preStop', timeout: 3 },
    ]);
  });
});
