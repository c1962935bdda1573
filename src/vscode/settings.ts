import * as vscode from 'vscode';
import type { BackendKind, Credentials, HostOptions } from '../host/types';

/** The `fcbox.*` settings (documented in package.json), read fresh each time so changes apply without a reload. */
export function hostOptions(scope?: vscode.Uri): HostOptions {
  const c = vscode.workspace.getConfiguration('fcbox', scope);
  const startupSeconds = c.get<number>('startupTimeout', 0);
  return {
    backend: c.get<BackendKind>('backend', 'auto'),
    startupTimeoutMs: startupSeconds > 0 ? startupSeconds * 1000 : undefined,
    runtimeImages: c.get<Record<string, string>>('runtimeImages', {}),
    credentials: c.get<string>('credentials.source', 'none') === 'environment' ? credentialsFromEnvironment() : undefined,
  };
}

/** The Alibaba Cloud CLI/SDK variable names, so a developer's existing shell setup just works. */
function credentialsFromEnvironment(): Partial<Credentials> {
  const env = process.env;
  const picked: Partial<Credentials> = {
    accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN,
    accountId: env.ALIBABA_CLOUD_ACCOUNT_ID,
  };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v)) as Partial<Credentials>;
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
