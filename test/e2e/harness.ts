/** What both harnesses (run.ts in code-server, electron.ts in @vscode/test-electron) share. */
import { createVSIX } from '@vscode/vsce';
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { buildImage } from '../support/images';
import type { RunnerConfig, RunResults } from './runner/config';

export const REPO = path.resolve(__dirname, '..', '..');
export const RUNNER_ID = 'fcbox-test.runner';

/** Bundles runner.js and suites.js into `extensionDir/dist`, with the runner's package.json beside them. */
export async function bundleRunner(extensionDir: string): Promise<{ suites: string; runner: string }> {
  const dist = path.join(extensionDir, 'dist');
  fs.mkdirSync(dist, { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'runner', 'package.json'), path.join(extensionDir, 'package.json'));
  await esbuild.build({
    entryPoints: { runner: path.join(__dirname, 'runner', 'runner.ts'), suites: path.join(__dirname, 'suite', 'index.ts') },
    outdir: dist,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'error',
  });
  return { suites: path.join(dist, 'suites.js'), runner: path.join(dist, 'runner.js') };
}

/**
 * Packs the runner as a .vsix so it is installed like ours: an extension folder dropped next to installed ones
 * is not in the extensions dir's extensions.json, and VS Code marks it removed.
 */
export async function packRunner(extensionDir: string, vsix: string): Promise<void> {
  await createVSIX({ cwd: extensionDir, packagePath: vsix, dependencies: false, skipLicense: true, allowMissingRepository: true });
}

/** `suites` is where the suites bundle is once installed (inside the installed runner's folder). */
export function runnerConfig(suites: string, outDir: string, snapshots?: string): RunnerConfig {
  return {
    suites,
    mocha: require.resolve('mocha/lib/mocha.cjs', { paths: [REPO] }),
    results: path.join(outDir, 'results.json'),
    progress: path.join(outDir, 'progress.jsonl'),
    snapshots,
    grep: process.env.FCBOX_E2E_GREP,
  };
}

/**
 * The workspace the suites open: a copy of examples/ plus test/e2e/workspace-extra (a broken s.yaml), so runs
 * never write into the repo and the broken fixture never ships with the examples.
 */
export function prepareWorkspace(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(REPO, 'examples'), dir, { recursive: true });
  fs.cpSync(path.join(__dirname, 'workspace-extra'), dir, { recursive: true });
  return dir;
}

/**
 * The container examples name images a user builds with `docker build` FROM node:20-slim; no registry is
 * reachable here, so their Dockerfiles are built FROM the local node image instead (as test/host does, same cache
 * tags) and the workspace copy's project file is pointed at the result.
 */
export function prepareExampleImages(workspace: string): void {
  const examples: [dir: string, file: string][] = [['custom-container', 's.yaml'], ['scf-web', 'serverless.yml']];
  for (const [dir, file] of examples) {
    const context = path.join(REPO, 'examples', dir);
    const dockerfile = fs.readFileSync(path.join(context, 'Dockerfile'), 'utf8').replace(/^FROM .*$/m, 'FROM {{base}}');
    const tag = buildImage(`example-${dir}`, context, dockerfile);
    const project = path.join(workspace, dir, file);
    const text = fs.readFileSync(project, 'utf8');
    const named = `fcbox-example/${dir}:latest`;
    if (!text.includes(named)) throw new Error(`${dir}/${file} no longer names ${named}; update prepareExampleImages`);
    fs.writeFileSync(project, text.replaceAll(named, tag));
  }
}

/** Prints each test and the closing "N passed, N failed" line; returns the process exit code. */
export function report(results: RunResults | undefined): number {
  const tests = results?.tests ?? [];
  for (const t of tests) {
    const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
    console.log(`  ${mark} ${t.title} (${t.durationMs} ms)`);
    if (t.error) console.log(t.error.split('\n').map((l) => `      ${l}`).join('\n'));
  }
  for (const [name, value] of Object.entries(results?.metrics ?? {})) console.log(`  metric ${name}: ${value}`);
  if (results?.fatal) console.log(`  runner failed: ${results.fatal}`);
  const passed = tests.filter((t) => t.state === 'passed').length;
  // No results at all, or a runner that died, is a failure even with no failed test.
  const failed = tests.filter((t) => t.state === 'failed').length + (!results || results.fatal ? 1 : 0);
  const skipped = tests.filter((t) => t.state === 'pending').length;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed || !tests.length ? 1 : 0;
}
