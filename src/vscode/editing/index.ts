import * as vscode from 'vscode';
import { S_YAML_SCHEMA } from '../../spec';
import type { InstanceManager } from '../InstanceManager';
import { PROJECT_GLOB, type ProjectIndex } from '../ProjectIndex';
import { FcboxCodeLenses } from './codeLens';
import { SchemaCompletion, type Schema } from './completion';
import { registerDiagnostics } from './diagnostics';
import { ReferenceHover } from './hover';
import { QuickFixes } from './quickFixes';

const PROJECT_FILES: vscode.DocumentFilter = { scheme: 'file', pattern: PROJECT_GLOB };
const EVENT_FILES: vscode.DocumentFilter[] = [
  { scheme: 'file', language: 'json', pattern: '**/events/**/*.json' },
  { scheme: 'file', language: 'json', pattern: '**/.fcbox/events/*/*.json' },
];

/** Everything the editor does in s.yaml / serverless.yml and event files. */
export function registerEditing(projects: ProjectIndex, instances: InstanceManager): vscode.Disposable[] {
  const lenses = new FcboxCodeLenses(projects, instances);
  return [
    lenses,
    vscode.languages.registerCodeLensProvider([PROJECT_FILES, ...EVENT_FILES], lenses),
    registerDiagnostics(projects),
    vscode.languages.registerCodeActionsProvider(PROJECT_FILES, new QuickFixes(), { providedCodeActionKinds: QuickFixes.kinds }),
    vscode.languages.registerHoverProvider(PROJECT_FILES, new ReferenceHover()),
    vscode.languages.registerCompletionItemProvider(PROJECT_FILES, new SchemaCompletion(S_YAML_SCHEMA as Schema), ':', ' '),
  ];
}
