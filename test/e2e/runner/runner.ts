/**
 * The test-runner extension: activates on startup inside the real extension host, runs the e2e mocha suites
 * against the real `vscode` API and writes the results where the harness waits for them. The same module is
 * @vscode/test-electron's `extensionTestsPath` (it calls `run`).
 */
import * as fs from 'fs';
import * as path from 'path';
import type MochaType from 'mocha';
import { CONFIG_ENV, RunResults, RunnerConfig, TestResult } from './config';

function readConfig(): RunnerConfig | undefined {
  const file = process.env[CONFIG_ENV] ?? path.join(__dirname, '..', 'config.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RunnerConfig) : undefined;
}

async function runSuites(config: RunnerConfig): Promise<RunResults> {
  // A runtime path: the runner extension has no node_modules of its own.
  const Mocha = require(config.mocha) as typeof MochaType;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, grep: config.grep, reporter: 'spec', color: false });
  const results: RunResults = { tests: [], metrics: {} };
  (globalThis as { fcboxE2E?: unknown }).fcboxE2E = { metrics: results.metrics, snapshots: config.snapshots };
  // mocha.loadFiles would `require` from inside mocha; requiring here keeps the extension host's `vscode`
  // module interception tied to a module it knows, for both code-server and Electron.
  mocha.suite.emit('pre-require', globalThis, config.suites, mocha);
  mocha.suite.emit('require', require(config.suites), config.suites, mocha);
  mocha.suite.emit('post-require', globalThis, config.suites, mocha);

  const record = (test: MochaType.Test, state: TestResult['state'], err?: Error) => {
    const result: TestResult = { title: test.fullTitle(), state, durationMs: test.duration ?? 0 };
    if (err) result.error = err.stack ?? String(err);
    results.tests.push(result);
    fs.appendFileSync(config.progress, JSON.stringify(result) + '\n');
  };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) => record(t, 'passed'));
    runner.on('fail', (t, err) => {
      // Hook failures arrive as a Hook; report them under their title so they are not lost.
      record(t as MochaType.Test, 'failed', err);
    });
    runner.on('pending', (t) => record(t, 'pending'));
  });
  return results;
}

/** @vscode/test-electron entry point. */
export async function run(): Promise<void> {
  const config = readConfig();
  if (!config) throw new Error(`no runner configuration: set ${CONFIG_ENV}`);
  const results = await runSuites(config);
  fs.writeFileSync(config.results, JSON.stringify(results, null, 2));
  const failed = results.tests.filter((t) => t.state === 'failed').length;
  if (failed) throw new Error(`${failed} e2e test(s) failed`);
}

export function activate(): void {
  const config = readConfig();
  if (!config) return;
  // Not awaited: activation must finish so the workbench (and our extension) keep starting up.
  runSuites(config)
    .catch((e: unknown): RunResults => ({ tests: [], metrics: {}, fatal: e instanceof Error ? e.stack ?? e.message : String(e) }))
    .then((results) => fs.writeFileSync(config.results, JSON.stringify(results, null, 2)));
}
