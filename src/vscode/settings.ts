import * as vscode from 'vscode';
import type { CredentialsSource } from '../debug/configuration';
import { credentialsFromEnvironment } from '../host';
import type { BackendKind, HostOptions } from '../host';

/** The `fcbox.*` settings (documented in package.json), read fresh each time so changes apply without a reload. */
export function hostOptions(scope?: vscode.Uri): HostOptions {
  const c = vscode.workspace.getConfiguration('fcbox', scope);
  const startupSeconds = c.get<number>('startupTimeout', 0);
  return {
    backend: c.get<BackendKind>('backend', 'auto'),
    startupTimeoutMs: startupSeconds > 0 ? startupSeconds * 1000 : undefined,
    runtimeImages: c.get<Record<string, string>>('runtimeImages', {}),
    credentials: credentialsSource(scope) === 'environment' ? credentialsFromEnvironment() : undefined,
  };
}

export function credentialsSource(scope?: vscode.Uri): CredentialsSource {
  return vscode.workspace.getConfiguration('fcbox', scope).get<CredentialsSource>('credentials.source', 'none');
}

export function gatewayPort(): number {
  return vscode.workspace.getConfiguration('fcbox').get<number>('gateway.port', 0);
}

export function codeLensEnabled(): boolean {
  return vscode.workspace.getConfiguration('fcbox').get<boolean>('codeLens.enabled', true);
}

export function retainLines(): number {
  return vscode.workspace.getConfiguration('fcbox').get<number>('logs.retainLines', 5000);
}
