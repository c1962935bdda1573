import * as fs from 'fs';
import * as vscode from 'vscode';
import type { InstanceManager } from '../InstanceManager';
import { PROJECT_GLOB, type ProjectIndex } from '../ProjectIndex';
import { FcboxCodeLenses } from './codeLens';
import { SchemaCompletion } from './completion';
import { registerDiagnostics } from './diagnostics';
import { ReferenceHover } from './hover';
import { QuickFixes } from './quickFixes';

const PROJECT_FILES: vscode.DocumentFilter = { scheme: 'file', pattern: PROJECT_GLOB };
const EVENT_FILES: vscode.DocumentFilter[] = [
  { scheme: 'file', language: 'json', pattern: '**/events/**/*.json' },
  { scheme: 'file', language: 'json', pattern: '**/.fcbox/events/*/*.json' },
];

/** Everything the editor does in s.yaml / serverless.yml and event files. */
export function registerEditing(extensionUri: vscode.Uri, projects: ProjectIndex, instances: InstanceManager): vscode.Disposable[] {
  const lenses = new FcboxCodeLenses(projects, instances);
  const schema = JSON.parse(fs.readFileSync(vscode.Uri.joinPath(extensionUri, 'schemas', 's.schema.json').fsPath, 'utf8'));
  return [
    lenses,
    vscode.languages.registerCodeLensProvider([PROJECT_FILES, ...EVENT_FILES], lenses),
    registerDiagnostics(projects),
    vscode.languages.registerCodeActionsProvider(PROJECT_FILES, new QuickFixes(), { providedCodeActionKinds: QuickFixes.kinds }),
    vscode.languages.registerHoverProvider(PROJECT_FILES, new ReferenceHover()),
    vscode.languages.registerCompletionItemProvider(PROJECT_FILES, new SchemaCompletion(schema), ':', ' '),
  ];
}
