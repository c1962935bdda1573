import { STATUS_CODES } from 'http';
import * as vscode from 'vscode';
import type { InvokeRequest, InvokeResult, LogLine } from '../../host';
import type { FunctionSpec } from '../../spec/model';
import { formatLogLine } from '../../host';

const SCHEME = 'fcbox-result';
/** Results are kept only for their open editors; older ones are dropped. */
const KEEP = 20;
/** How long a result keeps taking in log lines that trail its response, and how often it looks. */
const FOLLOW_MS = 3000;
const FOLLOW_POLL_MS = 150;

/** Invocation results as read-only Markdown documents (a content provider's documents cannot be edited). */
export class ResultDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private seq = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'This result is no longer kept; invoke the function again.';
  }

  /** `linesOf` reads the invocation's log lines again: some arrive after the response (see follow). */
  async show(fn: FunctionSpec, title: string, req: InvokeRequest, result: InvokeResult, linesOf?: () => LogLine[]): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${fn.name} #${++this.seq}.md` });
    this.contents.set(uri.toString(), renderResult(fn, title, req, result));
    if (linesOf) void this.follow(uri, result.logs.length, linesOf, (logs) => renderResult(fn, title, req, { ...result, logs }));
    for (const key of [...this.contents.keys()].slice(0, Math.max(0, this.contents.size - KEEP))) this.contents.delete(key);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }

  /**
   * Output reaches fcbox through a pipe or docker's attach stream, the response through a socket; on a busy
   * machine the attach stream can trail by more than the host waits, so the view takes in late lines a while.
   */
  private async follow(uri: vscode.Uri, shown: number, linesOf: () => LogLine[], render: (logs: LogLine[]) => string): Promise<void> {
    for (let waited = 0; waited < FOLLOW_MS; waited += FOLLOW_POLL_MS) {
      await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
      const key = uri.toString();
      if (!this.contents.has(key)) return;
      const logs = linesOf();
      if (logs.length <= shown) continue;
      shown = logs.length;
      this.contents.set(key, render(logs));
      this.changed.fire(uri);
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

export function renderResult(fn: FunctionSpec, title: string, req: InvokeRequest, r: InvokeResult): string {
  const out: string[] = [];
  const verdict = r.error ? r.error.code : r.functionError ? 'function error' : 'ok';
  out.push(`# ${fn.name} · ${r.status} ${STATUS_CODES[r.status] ?? ''} · ${verdict}`, '');
  out.push(`- Request: ${title}${req.body?.length ? ` (${req.body.length} bytes)` : ''}`);
  out.push(`- Request ID: \`${r.requestId}\``);
  out.push(`- Duration: ${r.durationMs} ms`, '');
  if (r.error) {
    out.push(`## ${r.error.code}`, '', r.error.message, '');
    if (r.error.hint) out.push(`**Fix:** ${r.error.hint}`, '');
    if (r.error.details) out.push(fence('text', r.error.details), '');
  }
  out.push('## Response headers', '', fence('http', Object.entries(r.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('\n')), '');
  out.push('## Body', '', body(r), '');
  out.push(`## Logs (${r.logs.length} line${r.logs.length === 1 ? '' : 's'})`, '', fence('fcbox-log', r.logs.map((l) => formatLogLine(l)).join('\n')), '');
  return out.join('\n');
}

function body(r: InvokeResult): string {
  if (!r.body.length) return '_(empty)_';
  const text = r.body.toString('utf8');
  try {
    return fence('json', JSON.stringify(JSON.parse(text), null, 2));
  } catch {
    // Not JSON: show it as it came, or say how much binary there was.
    return text.includes('\uFFFD') ? `_(${r.body.length} bytes of binary data)_` : fence('text', text);
  }
}

function fence(language: string, text: string): string {
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}${language}\n${text}\n${ticks}`;
}
