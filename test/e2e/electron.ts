/**
 * `npm run test:electron`: the same suites in VS Code's Electron build via @vscode/test-electron, for machines
 * that can download VS Code (this one cannot: use `npm run test:e2e`). The extension runs from the repo
 * (extensionDevelopmentPath) after `npm run build`; the runner is the extensionTestsPath.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { bundleRunner, prepareExampleImages, prepareWorkspace, REPO, report, runnerConfig } from './harness';
import { CONFIG_ENV, type RunResults } from './runner/config';

async function main(): Promise<number> {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
  const out = path.join(__dirname, '.out', 'electron');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fcbox-electron-'));
  const { runner, suites } = await bundleRunner(path.join(scratch, 'runner'));
  const config = runnerConfig(suites, out);
  const configFile = path.join(scratch, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const workspace = prepareWorkspace(path.join(scratch, 'workspace'));
  prepareExampleImages(workspace);
  try {
    await runTests({
      extensionDevelopmentPath: REPO,
      extensionTestsPath: runner,
      extensionTestsEnv: { [CONFIG_ENV]: configFile },
      launchArgs: [workspace, '--disable-workspace-trust', '--skip-welcome', '--user-data-dir', path.join(scratch, 'user-data')],
    });
  } catch (e) {
    console.error(`[electron] ${e instanceof Error ? e.message : String(e)}`);
  }
  return report(fs.existsSync(config.results) ? (JSON.parse(fs.readFileSync(config.results, 'utf8')) as RunResults) : undefined);
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
