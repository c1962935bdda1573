import * as path from 'path';
import * as vscode from 'vscode';
import type { InvokeRequest, InvokeResult } from '../../host';
import { FcboxError } from '../../spec/errors';
import type { FunctionSpec } from '../../spec/model';
import type { ErrorReporter } from '../errors';
import type { Hook, InstanceManager } from '../InstanceManager';
import { ResultDocuments } from './resultDocument';

/** A request decided up front (scripts, tests) instead of asking: an event, or an HTTP request. */
export type InvokeChoice = { event: string } | HttpChoice;
interface HttpChoice {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What the invoke command returns to its caller: enough for a script or a test to check the outcome. */
export interface InvocationSummary {
  requestId: string;
  status: number;
  durationMs: number;
  body: string;
  errorCode?: string;
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const REMEMBER_MAX_CHARS = 64 * 1024;

/** Event files FC Box offers for a function: `events/**` beside its s.yaml, and `.fcbox/events/<function>/`. */
export function eventFilePattern(fn: FunctionSpec): vscode.RelativePattern {
  return new vscode.RelativePattern(path.dirname(fn.projectFile), `{events/**/*.json,.fcbox/events/${fn.name}/*.json}`);
}

/**
 * Invoking from the editor: decide the request (event file, typed event, the last one; or method, path,
 * headers and body for HTTP functions, remembered per function), start the instance if needed, send, and show
 * the result with that invocation's log lines.
 */
export class Invoker implements vscode.Disposable {
  private readonly results = new ResultDocuments();

  constructor(
    private readonly state: vscode.Memento,
    private readonly instances: InstanceManager,
    private readonly errors: ErrorReporter,
  ) {}

  async invoke(fn: FunctionSpec, what?: vscode.Uri | InvokeChoice): Promise<InvocationSummary | undefined> {
    const choice = what instanceof vscode.Uri ? { event: await readEvent(what) } : (what ?? (await this.ask(fn)));
    if (!choice) return undefined;
    // workspaceState is not a blob store: an event of megabytes is sent but not remembered.
    if (JSON.stringify(choice).length <= REMEMBER_MAX_CHARS) await this.state.update(lastKey(fn), choice);
    const instance = await this.instances.run(fn);
    const [title, req] = toRequest(fn, choice);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Invoking ${fn.name}` },
      () => instance.invoke(req),
    );
    await this.results.show(fn, title, req, result, () => instance.logs()?.filter((l) => l.requestId === result.requestId) ?? []);
    if (result.error) this.errors.show(result.error, fn);
    return summarize(result);
  }

  async callHook(fn: FunctionSpec, hook: Hook): Promise<InvocationSummary | undefined> {
    const instance = await this.instances.run(fn);
    const result = await instance.hook(hook);
    if (!result) {
      void vscode.window.showInformationMessage(`${fn.name}: no ${hook} hook is configured.`);
      return undefined;
    }
    await this.results.show(fn, hookTitle(hook), {}, result);
    if (result.error) this.errors.show(result.error, fn);
    return summarize(result);
  }

  private ask(fn: FunctionSpec): Promise<InvokeChoice | undefined> {
    return fn.kind === 'http' ? this.askHttp(fn) : this.askEvent(fn);
  }

  private async askEvent(fn: FunctionSpec): Promise<InvokeChoice | undefined> {
    type Item = vscode.QuickPickItem & { pick: () => Promise<InvokeChoice | undefined> | InvokeChoice | undefined };
    const last = this.state.get<InvokeChoice>(lastKey(fn));
    const files = await vscode.workspace.findFiles(eventFilePattern(fn), '**/node_modules/**', 200);
    const items: Item[] = [];
    if (last && 'event' in last) items.push({ label: '$(history) Last event', description: preview(last.event), pick: () => last });
    for (const uri of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
      items.push({ label: `$(json) ${path.basename(uri.fsPath)}`, description: vscode.workspace.asRelativePath(uri), pick: async () => ({ event: await readEvent(uri) }) });
    }
    items.push({
      label: '$(edit) Type an event…',
      pick: async () => {
        const event = await vscode.window.showInputBox({ prompt: `Event for ${fn.name} (sent as the /invoke body)`, value: last && 'event' in last ? last.event : '{}' });
        return event === undefined ? undefined : { event };
      },
    });
    items.push({ label: '$(circle-slash) Empty event', pick: () => ({ event: '' }) });
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Invoke ${fn.name} with…`, matchOnDescription: true });
    return picked?.pick();
  }

  private async askHttp(fn: FunctionSpec): Promise<InvokeChoice | undefined> {
    const last = this.state.get<InvokeChoice>(lastKey(fn));
    const prev: HttpChoice = last && 'method' in last ? last : { method: fn.httpTrigger?.methods[0] ?? 'GET', path: '/', headers: {}, body: '' };
    const methods = fn.httpTrigger?.methods.length ? fn.httpTrigger.methods : HTTP_METHODS;
    const method = await vscode.window.showQuickPick([prev.method, ...methods.filter((m) => m !== prev.method)], { placeHolder: `${fn.name}: HTTP method` });
    if (!method) return undefined;
    const reqPath = await vscode.window.showInputBox({ prompt: 'Path and query', value: prev.path, validateInput: (v) => (v.startsWith('/') ? undefined : 'Start with /') });
    if (reqPath === undefined) return undefined;
    const headerText = await vscode.window.showInputBox({
      prompt: 'Headers, separated by ";" (e.g. content-type: application/json; x-trace: 1)',
      value: Object.entries(prev.headers).map(([k, v]) => `${k}: ${v}`).join('; '),
      validateInput: (v) => (parseHeaders(v) ? undefined : 'Write each header as name: value'),
    });
    if (headerText === undefined) return undefined;
    let body = '';
    if (!['GET', 'HEAD'].includes(method)) {
      const typed = await vscode.window.showInputBox({ prompt: 'Body', value: prev.body });
      if (typed === undefined) return undefined;
      body = typed;
    }
    return { method, path: reqPath, headers: parseHeaders(headerText) ?? {}, body };
  }

  dispose(): void {
    this.results.dispose();
  }
}

function toRequest(fn: FunctionSpec, choice: InvokeChoice): [string, InvokeRequest] {
  if ('event' in choice) {
    const endpoint = fn.platform === 'scf' ? '/event-invoke' : '/invoke';
    return [`\`POST ${endpoint}\` (event)`, { body: Buffer.from(choice.event) }];
  }
  return [`\`${choice.method} ${choice.path}\``, { method: choice.method, path: choice.path, headers: choice.headers, body: Buffer.from(choice.body) }];
}

function summarize(r: InvokeResult): InvocationSummary {
  return { requestId: r.requestId, status: r.status, durationMs: r.durationMs, body: r.body.toString('utf8'), errorCode: r.error?.code };
}

function hookTitle(hook: Hook): string {
  return { initialize: '`POST /initialize`', preFreeze: '`GET /pre-freeze`', preStop: '`GET /pre-stop`' }[hook];
}

function parseHeaders(text: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^:\s]+)\s*:\s*(.*)$/.exec(part);
    if (!m) return undefined;
    headers[m[1].toLowerCase()] = m[2];
  }
  return headers;
}

async function readEvent(uri: vscode.Uri): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (e) {
    // A file deleted since it was listed, a lens on an unsaved file, a directory: the user's to fix, not a bug.
    throw new FcboxError('EventFileNotFound', `cannot read the event file: ${uri.fsPath}`, 'check that the file exists and is readable, or pick another event', e instanceof Error ? e.message : String(e));
  }
  return new TextDecoder().decode(bytes);
}

const lastKey = (fn: FunctionSpec) => `fcbox.lastInvoke:${fn.id}`;
const preview = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
