import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FcboxApi } from '../../../src/vscode/extension';
import type { UiAnswer, UiStep } from '../runner/config';

/** Set by the runner (test/e2e/runner/runner.ts) before the suites load. */
interface E2E {
  metrics: Record<string, number>;
  snapshots?: string;
}
const e2e = (globalThis as { fcboxE2E?: E2E }).fcboxE2E ?? { metrics: {} };

export const EXTENSION_ID = 'fcbox.fcbox';

export function recordMetric(name: string, value: number): void {
  e2e.metrics[name] = Math.round(value);
}

let snapshotCount = 0;
/** Asks the harness for a screenshot of the workbench and waits for it; a no-op under @vscode/test-electron. */
export async function snapshot(name: string): Promise<void> {
  if (!e2e.snapshots) return;
  const base = path.join(e2e.snapshots, `${String(++snapshotCount).padStart(2, '0')}-${name}`);
  // Let the workbench paint what the test just did.
  await sleep(800);
  fs.writeFileSync(`${base}.req`, '');
  await waitFor(`screenshot ${name}`, 15_000, () => fs.existsSync(`${base}.png`) || fs.existsSync(`${base}.png.error`) || undefined);
}

/** True where a harness drives the workbench's page (code-server in Chromium), false under @vscode/test-electron. */
export const canDriveUi = () => !!e2e.snapshots;

/**
 * Has the harness do `steps` in the workbench page with Playwright (typing into a quick input, clicking the
 * status bar) and returns what the read steps read, in order. Throws with the failed step.
 */
export async function ui(name: string, steps: UiStep[]): Promise<UiAnswer['values']> {
  assert.ok(e2e.snapshots, 'UI steps need the code-server harness (npm run test:e2e)');
  const base = path.join(e2e.snapshots, `${String(++snapshotCount).padStart(2, '0')}-${name}`);
  fs.writeFileSync(`${base}.ui.json`, JSON.stringify(steps));
  const done = `${base}.ui-done.json`;
  await waitFor(`UI steps ${name}`, 60_000 + steps.length * 20_000, () => fs.existsSync(done) || undefined);
  const answer = JSON.parse(fs.readFileSync(done, 'utf8')) as UiAnswer;
  if (answer.error) throw new Error(`UI steps ${name}: ${answer.error} (screenshot ${path.basename(base)}.ui-failed.png)`);
  return answer.values;
}

/** The quick input (quick pick or input box) the workbench shows, and its parts. */
export const QUICK_INPUT = {
  /** The text field, of both a quick pick and an input box. */
  input: '.quick-input-widget .quick-input-box input',
  /** An input box's prompt shows as the widget's message. */
  message: (text: string) => `.quick-input-widget .quick-input-message:has-text(${JSON.stringify(text)})`,
  /** A quick pick's (filtered) items, in order. */
  items: '.quick-input-widget .quick-input-list .monaco-list-row .label-name',
  placeholder: (text: string) => `.quick-input-widget .quick-input-box input[placeholder=${JSON.stringify(text)}]`,
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await sleep(200);
  }
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder.uri.fsPath;
}

export function exampleFile(...parts: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), ...parts));
}

/** The extension's exported API (src/vscode/extension.ts), activating it when nothing has yet. */
export async function fcbox(): Promise<FcboxApi> {
  const ext = vscode.extensions.getExtension<FcboxApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** Every tree item below `parent`, depth first, as VS Code would render them. */
export async function treeItems(tree: vscode.TreeDataProvider<unknown>, parent?: unknown): Promise<vscode.TreeItem[]> {
  const out: vscode.TreeItem[] = [];
  for (const child of (await tree.getChildren(parent)) ?? []) {
    out.push(await tree.getTreeItem(child), ...(await treeItems(tree, child)));
  }
  return out;
}

export const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));

export async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  // The workbench answers only for documents it has a model of ("Illegal argument" otherwise).
  await vscode.workspace.openTextDocument(uri);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return lenses.map((l) => l.command?.title ?? '').filter(Boolean);
}

/** Function ids are `<projectFile>#<resourceKey>/<name>` (src/spec/model.ts). */
export function functionId(projectFile: vscode.Uri, resourceKey: string, name: string): string {
  return `${projectFile.fsPath}#${resourceKey}/${name}`;
}

/** True once nothing accepts connections on 127.0.0.1:port (the instance's server is really gone). */
export function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
