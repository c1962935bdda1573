import * as path from 'path';
import * as vscode from 'vscode';
import type { FunctionSpec } from '../../spec/model';
import { toRange } from '../errors';
import type { InstanceManager } from '../InstanceManager';
import { isProjectFile, type ProjectIndex } from '../ProjectIndex';
import { codeLensEnabled } from '../settings';

/**
 * Lenses on each function in a project file (Run · Debug while stopped; Invoke · the configured hooks · Stop
 * while running) and on event files ("Invoke <function> with this event"). They call the same commands as the
 * views, with the function's id.
 */
export class FcboxCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly projects: ProjectIndex,
    private readonly instances: InstanceManager,
  ) {
    const fire = () => this.changed.fire();
    this.disposables = [
      this.changed,
      projects.onDidChange(fire),
      instances.onDidChange(fire),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('fcbox.codeLens') && fire()),
    ];
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!codeLensEnabled()) return [];
    await this.projects.ready();
    if (isProjectFile(doc.uri)) return (this.projects.get(doc.uri.fsPath)?.functions ?? []).flatMap((fn) => this.functionLenses(fn));
    return this.eventLenses(doc);
  }

  private functionLenses(fn: FunctionSpec): vscode.CodeLens[] {
    const range = toRange(fn.range).with({ end: toRange(fn.range).start });
    const lens = (title: string, command: string) => new vscode.CodeLens(range, { title, command, arguments: [fn.id] });
    const running = this.instances.get(fn.id);
    if (!running) return [lens('$(play) Run', 'fcbox.function.run'), lens('$(debug-alt) Debug', 'fcbox.function.debug')];
    return [
      lens(`$(send) Invoke`, 'fcbox.function.invoke'),
      ...(fn.initializer ? [lens('Initialize', 'fcbox.function.initialize')] : []),
      ...(fn.preFreeze ? [lens('Pre-freeze', 'fcbox.function.preFreeze')] : []),
      ...(fn.preStop ? [lens('Pre-stop', 'fcbox.function.preStop')] : []),
      lens('$(debug-stop) Stop', 'fcbox.function.stop'),
    ];
  }

  /** A JSON file under `events/` belongs to the event functions of the nearest project above it. */
  private eventLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const file = doc.uri.fsPath;
    if (doc.uri.scheme !== 'file' || !file.endsWith('.json')) return [];
    const segments = file.split(path.sep);
    const fcboxEvents = segments.lastIndexOf('.fcbox');
    let candidates: FunctionSpec[];
    if (fcboxEvents >= 0 && segments[fcboxEvents + 1] === 'events' && segments.length === fcboxEvents + 4) {
      const root = segments.slice(0, fcboxEvents).join(path.sep);
      candidates = this.projects.functions().filter((f) => path.dirname(f.projectFile) === root && f.name === segments[fcboxEvents + 2]);
    } else {
      const events = segments.lastIndexOf('events');
      if (events < 0) return [];
      const root = segments.slice(0, events).join(path.sep);
      candidates = this.projects.functions().filter((f) => f.kind === 'event' && path.dirname(f.projectFile) === root);
    }
    const top = new vscode.Range(0, 0, 0, 0);
    return candidates.map(
      (fn) => new vscode.CodeLens(top, { title: `$(send) Invoke ${fn.name} with this event`, command: 'fcbox.function.invoke', arguments: [fn.id, doc.uri] }),
    );
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
