/**
 * `npm run test:e2e`: the extension in a real VS Code (code-server) driven by headless Chromium (design.md §5).
 * Packages the .vsix, installs it with the test-runner extension into a fresh extensions dir, opens a copy of
 * examples/, waits for the runner's results, takes the screenshots the suites ask for, reports, and stops
 * code-server's whole process group.
 *
 * Flags: --no-package (reuse fcbox.vsix), --keep (leave code-server running for a look, print its URL),
 * --save-screenshots (copy the suites' screenshots to media/screenshots/ for the README).
 * The suites ask for screenshots and UI steps (typing into quick inputs, clicking the status bar) through files
 * in the screenshots dir; the harness owns the browser and answers them.
 * FCBOX_E2E_GREP selects tests; FCBOX_E2E_TIMEOUT_S bounds the whole run (default 900).
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { chromium, Browser, Page } from 'playwright-core';
import { bundleRunner, packRunner, prepareExampleImages, prepareWorkspace, REPO, report, RUNNER_ID, runnerConfig } from './harness';
import type { RunResults, TestResult, UiAnswer, UiStep } from './runner/config';

const OUT = path.join(__dirname, '.out');
const args = new Set(process.argv.slice(2));
const log = (msg: string) => console.log(`[e2e] ${msg}`);

interface Tools {
  NODE24: string;
  CODE_SERVER: string;
  CHROMIUM: string;
}

function setup(): Tools {
  log('checking the cached VS Code toolchain (test/e2e/setup.sh)');
  const out = execFileSync('bash', [path.join(__dirname, 'setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tools = Object.fromEntries(out.trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
  return tools as unknown as Tools;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http.get(url, (res) => { res.resume(); resolve(res.statusCode === 200); }).on('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(250);
  }
}

function installExtensions(tools: Tools, extensionsDir: string, vsixes: string[]): void {
  log(`installing ${vsixes.map((v) => path.basename(v)).join(', ')} into a fresh extensions dir`);
  execFileSync(tools.NODE24, [tools.CODE_SERVER, '--extensions-dir', extensionsDir, ...vsixes.flatMap((v) => ['--install-extension', v])], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function startCodeServer(tools: Tools, port: number, dirs: { extensions: string; userData: string }, logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'w');
  // detached = setsid: code-server forks helpers (extension host, file watcher, pty host); we stop the group.
  const child = spawn(
    tools.NODE24,
    [
      tools.CODE_SERVER,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--extensions-dir', dirs.extensions,
      '--user-data-dir', dirs.userData,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
    ],
    { detached: true, stdio: ['ignore', out, out], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  fs.closeSync(out);
  return child;
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return Promise.resolve();
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (s: NodeJS.Signals) => { try { process.kill(-pid, s); } catch { /* already gone */ } };
  signal('SIGTERM');
  const kill = setTimeout(() => signal('SIGKILL'), 5000);
  return exited.then(() => { clearTimeout(kill); signal('SIGKILL'); });
}

/** Drags the sidebar's edge so the screenshots show the views' descriptions (runtime, kind, port, hooks). */
async function widenSidebar(page: Page): Promise<void> {
  try {
    const sidebar = await page.waitForSelector('.part.sidebar', { timeout: 60_000 });
    const box = await sidebar.boundingBox();
    if (!box) return;
    const x = box.x + box.width;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 260, y, { steps: 5 });
    await page.mouse.up();
  } catch (e) {
    log(`could not widen the sidebar: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The suites write `<n>-<name>.req` and wait for `<n>-<name>.png`; the harness owns the browser. */
async function serveSnapshots(page: Page, dir: string, taken: string[]): Promise<void> {
  for (const req of fs.readdirSync(dir).filter((f) => f.endsWith('.req'))) {
    const png = path.join(dir, req.replace(/\.req$/, '.png'));
    fs.rmSync(path.join(dir, req));
    try {
      await page.screenshot({ path: png });
      taken.push(png);
    } catch (e) {
      fs.writeFileSync(png + '.error', String(e));
    }
  }
}

const UI_STEP_TIMEOUT_MS = 20_000;

async function uiStep(page: Page, step: UiStep, values: UiAnswer['values']): Promise<void> {
  if ('wait' in step) await page.waitForSelector(step.wait, { state: 'visible', timeout: step.timeoutMs ?? UI_STEP_TIMEOUT_MS });
  else if ('gone' in step) await page.waitForSelector(step.gone, { state: 'hidden', timeout: step.timeoutMs ?? UI_STEP_TIMEOUT_MS });
  else if ('read' in step) {
    const el = page.locator(step.read).first();
    const tag = await el.evaluate((e: { tagName: string }) => e.tagName, undefined, { timeout: UI_STEP_TIMEOUT_MS });
    values.push(tag === 'INPUT' || tag === 'TEXTAREA' ? await el.inputValue() : await el.innerText());
  } else if ('readAll' in step) values.push(await page.locator(step.readAll).allInnerTexts());
  else if ('fill' in step) await page.locator(step.fill).first().fill(step.value, { timeout: UI_STEP_TIMEOUT_MS });
  else if ('press' in step) await page.locator(step.press).first().press(step.key, { timeout: UI_STEP_TIMEOUT_MS });
  else if ('click' in step) await page.locator(step.click).first().click({ timeout: UI_STEP_TIMEOUT_MS });
}

/**
 * The suites write `<n>-<name>.ui.json` (UiStep[]) for what only a person at the workbench can do (type into a
 * quick input, click the status bar) and wait for `<n>-<name>.ui-done.json`; a failed step ends the list there.
 */
async function serveUi(page: Page, dir: string): Promise<void> {
  for (const req of fs.readdirSync(dir).filter((f) => f.endsWith('.ui.json'))) {
    const file = path.join(dir, req);
    const steps = JSON.parse(fs.readFileSync(file, 'utf8')) as UiStep[];
    fs.rmSync(file);
    const answer: UiAnswer = { values: [] };
    for (const [i, step] of steps.entries()) {
      try {
        await uiStep(page, step, answer.values);
      } catch (e) {
        answer.error = `step ${i + 1} ${JSON.stringify(step)}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
        await page.screenshot({ path: file.replace(/\.ui\.json$/, '.ui-failed.png') }).catch(() => undefined);
        break;
      }
    }
    fs.writeFileSync(file.replace(/\.ui\.json$/, '.ui-done.json'), JSON.stringify(answer));
  }
}

/** `03-debug-breakpoint.png` → media/screenshots/debug-breakpoint.png; failures and the final frame stay out. */
function saveScreenshots(taken: string[]): void {
  const target = path.join(REPO, 'media', 'screenshots');
  fs.mkdirSync(target, { recursive: true });
  for (const file of taken) {
    const name = path.basename(file).replace(/^\d+-/, '');
    if (name.startsWith('failed-') || name === 'final.png') continue;
    fs.copyFileSync(file, path.join(target, name));
    log(`saved ${path.relative(REPO, path.join(target, name))}`);
  }
}

async function main(): Promise<number> {
  const tools = setup();
  const vsix = path.join(REPO, 'fcbox.vsix');
  if (!args.has('--no-package') || !fs.existsSync(vsix)) {
    log('npm run package');
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  }

  fs.rmSync(OUT, { recursive: true, force: true });
  const snapshots = path.join(OUT, 'screenshots');
  fs.mkdirSync(snapshots, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fcbox-e2e-'));
  const dirs = { extensions: path.join(scratch, 'extensions'), userData: path.join(scratch, 'user-data') };
  const workspace = prepareWorkspace(path.join(scratch, 'workspace'));
  log('building the container examples\' images (cached by content)');
  prepareExampleImages(workspace);

  const runnerSource = path.join(scratch, 'runner');
  await bundleRunner(runnerSource);
  const config = runnerConfig(path.join(dirs.extensions, `${RUNNER_ID}-0.0.1`, 'dist', 'suites.js'), OUT, snapshots);
  fs.writeFileSync(path.join(runnerSource, 'config.json'), JSON.stringify(config, null, 2));
  const runnerVsix = path.join(scratch, 'runner.vsix');
  await packRunner(runnerSource, runnerVsix);
  installExtensions(tools, dirs.extensions, [vsix, runnerVsix]);
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'telemetry.telemetryLevel': 'off',
      'window.restoreWindows': 'none',
      // code-server would announce every port an instance listens on.
      'remote.autoForwardPorts': false,
      // Keep the screenshots about FC Box: no chat panel, no AI onboarding.
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    }),
  );

  const port = await freePort();
  const codeServer = startCodeServer(tools, port, dirs, path.join(OUT, 'code-server.log'));
  // Interrupted (Ctrl+C, CI timeout): still take code-server's process group down.
  for (const s of ['SIGINT', 'SIGTERM'] as const) {
    process.once(s, () => void stopGroup(codeServer).finally(() => process.exit(130)));
  }
  let browser: Browser | undefined;
  let results: RunResults | undefined;
  const screenshots: string[] = [];
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor('code-server to listen', 60_000, async () => {
      if (codeServer.exitCode !== null) throw new Error(`code-server exited (${codeServer.exitCode}); see ${path.join(OUT, 'code-server.log')}`);
      return (await httpOk(`${base}/healthz`)) || undefined;
    });
    log(`code-server 127.0.0.1:${port}, opening ${workspace}`);
    browser = await chromium.launch({
      executablePath: tools.CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const browserLog = fs.createWriteStream(path.join(OUT, 'browser.log'));
    page.on('console', (m) => browserLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => browserLog.write(`[pageerror] ${e.stack ?? e}\n`));
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
    await widenSidebar(page);

    let reported = 0;
    const timeoutMs = Number(process.env.FCBOX_E2E_TIMEOUT_S ?? 900) * 1000;
    results = await waitFor('the runner extension to write its results', timeoutMs, async () => {
      if (codeServer.exitCode !== null) throw new Error(`code-server exited (${codeServer.exitCode})`);
      await serveSnapshots(page, snapshots, screenshots);
      await serveUi(page, snapshots);
      if (fs.existsSync(config.progress)) {
        const lines = fs.readFileSync(config.progress, 'utf8').split('\n').filter(Boolean);
        for (const line of lines.slice(reported)) {
          const t = JSON.parse(line) as TestResult;
          log(`${t.state === 'passed' ? 'pass' : t.state === 'failed' ? 'FAIL' : 'skip'}: ${t.title}`);
        }
        reported = lines.length;
      }
      return fs.existsSync(config.results) ? (JSON.parse(fs.readFileSync(config.results, 'utf8')) as RunResults) : undefined;
    });
    await page.screenshot({ path: path.join(snapshots, 'final.png') });
    screenshots.push(path.join(snapshots, 'final.png'));
    if (args.has('--keep')) {
      log(`--keep: code-server stays at ${base}/?folder=${encodeURIComponent(workspace)} (process group ${codeServer.pid})`);
      return report(results);
    }
  } catch (e) {
    console.error(`[e2e] ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await browser?.close();
    if (!args.has('--keep')) await stopGroup(codeServer);
  }
  if (args.has('--save-screenshots')) saveScreenshots(screenshots);
  log(`screenshots: ${screenshots.map((s) => path.relative(REPO, s)).join(', ') || 'none'}`);
  log(`logs: ${path.relative(REPO, OUT)}/{code-server.log,browser.log}, extension host: ${path.join(dirs.userData, 'logs')}`);
  return report(results);
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
