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

export function toVscodeDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(d.range), d.hint ? `${d.message} (${d.hint})` : d.message, SEVERITY[d.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = d.code;
  return diagnostic;
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
        byFile.set(d.file, [...(byFile.get(d.file) ?? []), toVscodeDiagnostic(d)]);
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
