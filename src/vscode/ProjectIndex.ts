import * as vscode from 'vscode';
import { isProjectFileName, loadProject, PROJECT_FILE_GLOB, SKIPPED_DIRS } from '../spec';
import type { FunctionSpec, Project } from '../spec/model';

/** spec/ decides which files are projects; the editor only turns its rules into globs and URI tests. */
export const PROJECT_GLOB = PROJECT_FILE_GLOB;
const EXCLUDE_GLOB = `**/{${[...SKIPPED_DIRS].join(',')}}/**`;
const EDIT_DEBOUNCE_MS = 250;

/** The discovery rules as a test on one URI (FileSystemWatcher events and edits of open documents). */
export function isProjectFile(uri: vscode.Uri): boolean {
  const segments = uri.path.split('/');
  return uri.scheme === 'file' && isProjectFileName(segments[segments.length - 1]) && !segments.slice(0, -1).some((s) => SKIPPED_DIRS.has(s));
}

/**
 * Every project in the workspace, parsed once per content: a file is re-read only when the watcher or an edit
 * says it changed, and the parse is skipped when its text is what was parsed last (a save after an edit).
 * Open documents are parsed from the editor's buffer, so diagnostics follow typing.
 */
export class ProjectIndex implements vscode.Disposable {
  private readonly projects = new Map<string, { project: Project; text?: string }>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly pendingEdits = new Map<string, NodeJS.Timeout>();
  /** Files to re-parse even when their text did not change (a check depends on files beside them). */
  private readonly forced = new Set<string>();
  private loaded: Promise<void> | undefined;
  /** Fires after any project was added, removed or re-parsed to a different result. */
  readonly onDidChange = this.changed.event;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(PROJECT_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.reload(uri)),
      watcher.onDidChange((uri) => this.reload(uri)),
      watcher.onDidDelete((uri) => this.remove(uri)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isProjectFile(e.document.uri) && e.contentChanges.length) this.scheduleEdit(e.document.uri);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan()),
    );
  }

  /** Resolves once the first scan is done; later calls return the same promise. */
  ready(): Promise<void> {
    return (this.loaded ??= this.rescan());
  }

  all(): Project[] {
    return [...this.projects.values()].map((p) => p.project).sort((a, b) => a.file.localeCompare(b.file));
  }

  get(file: string): Project | undefined {
    return this.projects.get(file)?.project;
  }

  functions(): FunctionSpec[] {
    return this.all().flatMap((p) => p.functions);
  }

  findFunction(id: string): FunctionSpec | undefined {
    return this.functions().find((f) => f.id === id);
  }

  /** Re-reads one file now (after a quick fix changed something its checks look at, such as bootstrap). */
  async reload(uri: vscode.Uri): Promise<void> {
    if (await this.update(uri)) this.changed.fire();
  }

  /** Like reload, but also when the text did not change (a check depends on files beside it). */
  recheck(uri: vscode.Uri): Promise<void> {
    this.forced.add(uri.fsPath);
    return this.reload(uri);
  }

  /** Reads one file into the index without telling anyone; true when what the index holds changed. */
  private async update(uri: vscode.Uri): Promise<boolean> {
    if (!isProjectFile(uri)) return false;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const text = open?.getText() ?? (await readText(uri));
    if (text === undefined) return this.projects.delete(uri.fsPath);
    const previous = this.projects.get(uri.fsPath);
    // A save of what was already parsed from the buffer, or a touch: the same text parses to the same project.
    if (previous?.text === text && !this.forced.delete(uri.fsPath)) return false;
    const project = loadProject(uri.fsPath, { text });
    // serverless.yml is also the Serverless Framework's file name; only SCF ones are ours.
    if (!project.edition && /serverless\.ya?ml$/.test(uri.path)) return this.projects.delete(uri.fsPath);
    this.projects.set(uri.fsPath, { project, text });
    return true;
  }

  private remove(uri: vscode.Uri): void {
    if (this.projects.delete(uri.fsPath)) this.changed.fire();
  }

  private scheduleEdit(uri: vscode.Uri): void {
    clearTimeout(this.pendingEdits.get(uri.fsPath));
    this.pendingEdits.set(
      uri.fsPath,
      setTimeout(() => {
        this.pendingEdits.delete(uri.fsPath);
        void this.reload(uri);
      }, EDIT_DEBOUNCE_MS),
    );
  }

  /** Finds the project files again; `all` re-checks the known ones too (the Refresh button). */
  async rescan(all = false): Promise<void> {
    const uris = await vscode.workspace.findFiles(PROJECT_GLOB, EXCLUDE_GLOB);
    const found = new Set(uris.map((u) => u.fsPath));
    for (const file of [...this.projects.keys()]) if (!found.has(file)) this.projects.delete(file);
    if (all) for (const u of uris) if (this.projects.has(u.fsPath)) this.forced.add(u.fsPath);
    // One change event for the whole scan: each listener (diagnostics, trees, lenses) redoes all files at once.
    await Promise.all(uris.map((u) => (all || !this.projects.has(u.fsPath) ? this.update(u) : undefined)));
    this.changed.fire();
  }

  dispose(): void {
    for (const t of this.pendingEdits.values()) clearTimeout(t);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
