import * as vscode from 'vscode';
import type { InstanceState } from '../../host';
import type { FunctionSpec } from '../../spec/model';
import type { InstanceInfo } from '../InstanceManager';

export type HookName = 'initializer' | 'preFreeze' | 'preStop';

export function hooksOf(fn: FunctionSpec): HookName[] {
  return (['initializer', 'preFreeze', 'preStop'] as const).filter((h) => fn[h]);
}

/** `custom.debian10 · http :9000 · initializer, preStop` (and the state while an instance runs). */
export function functionDescription(fn: FunctionSpec, instance?: InstanceInfo): string {
  const hooks = hooksOf(fn);
  return [instance?.state, fn.runtime, `${fn.kind} :${fn.port}`, hooks.length ? hooks.join(', ') : undefined].filter(Boolean).join(' · ');
}

export function functionTooltip(fn: FunctionSpec, instance?: InstanceInfo): vscode.MarkdownString {
  const rows: [string, string | undefined][] = [
    ['Runtime', fn.runtime],
    ['Kind', fn.kind === 'http' ? `HTTP${fn.httpTrigger ? ` (${fn.httpTrigger.methods.join(', ')})` : ''}` : 'event'],
    ['Port', String(fn.port)],
    ['Service', fn.service],
    ['Start', fn.command ? [...fn.command, ...(fn.args ?? [])].join(' ') : fn.image ? `image ${fn.image}` : undefined],
    ['Hooks', hooksOf(fn).join(', ') || undefined],
    ['Timeout', `${fn.timeout} s`],
    ['Memory', `${fn.memorySize} MB`],
    ['Instance', instance ? `${instance.state} · ${instance.backend}` : undefined],
  ];
  const md = new vscode.MarkdownString(`**${fn.name}**\n\n`);
  md.appendMarkdown(rows.filter(([, v]) => v).map(([k, v]) => `${k}: \`${v}\``).join('  \n'));
  return md;
}

const STATE_ICONS: Record<InstanceState, [string, string | undefined]> = {
  stopped: ['circle-outline', undefined],
  starting: ['loading~spin', undefined],
  ready: ['pass-filled', 'testing.iconPassed'],
  busy: ['sync~spin', 'charts.blue'],
  frozen: ['debug-pause', 'charts.yellow'],
  crashed: ['error', 'testing.iconFailed'],
};

export function stateIcon(state: InstanceState): vscode.ThemeIcon {
  const [icon, color] = STATE_ICONS[state];
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}

export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
