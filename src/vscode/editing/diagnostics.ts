import * as vscode from 'vscode';
import type { Diagnostic, Project } from '../../spec/model';
import { toRange } from '../errors';
import type { ProjectIndex } from '../ProjectIndex';

export const DIAGNOSTIC_SOURCE = 'fcbox';
export const RED_HAT_YAML = 'redhat.vscode-yaml';

/**
 * Codes that come from checking the file against schemas/s.schema.json. The Red Hat YAML extension reads the
 * same schema through our `yamlValidation` contribution, so while it is installed these would be reported twice.
 */
const SCHEMA_CODES = new Set(['unknown-key', 'missing-key', 'invalid-type', 'invalid-value', 'out-of-range']);

export function redHatYamlInstalled(): boolean {
  return vscode.extensions.getExtension(RED_HAT_YAML) !== undefined;
}

const SEVERITY: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/**
 * Keeps the spec diagnostic beside the editor's, so quick fixes use its structured `fix`. Code action providers
 * receive the very objects published to the collection, so the subclass survives the round trip.
 */
export class FcboxDiagnostic extends vscode.Diagnostic {
  constructor(readonly spec: Diagnostic) {
    super(toRange(spec.range), spec.hint ? `${spec.message} (${spec.hint})` : spec.message, SEVERITY[spec.severity]);
    this.source = DIAGNOSTIC_SOURCE;
    this.code = spec.code;
  }
}

/** Publishes every project's diagnostics (source `fcbox`), replacing a file's set whenever the index re-parses. */
export function registerDiagnostics(projects: ProjectIndex): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  const publish = () => {
    const schemaElsewhere = redHatYamlInstalled();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const project of projects.all()) {
      byFile.set(project.file, []);
      for (const d of relevant(project, schemaElsewhere)) {
        byFile.set(d.file, [...(byFile.get(d.file) ?? []), new FcboxDiagnostic(d)]);
      }
    }
    collection.clear();
    for (const [file, list] of byFile) collection.set(vscode.Uri.file(file), list);
  };
  publish();
  return vscode.Disposable.from(collection, projects.onDidChange(publish), vscode.extensions.onDidChange(publish));
}

function relevant(project: Project, schemaElsewhere: boolean): Diagnostic[] {
  return schemaElsewhere ? project.diagnostics.filter((d) => !SCHEMA_CODES.has(d.code)) : project.diagnostics;
}
