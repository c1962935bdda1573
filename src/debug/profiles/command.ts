/**
 * The start command as one argv, whatever the backend: a process has `argv`; a container has its ENTRYPOINT
 * override plus CMD. Profiles that wrap the command (debugpy) read and write it through these two functions.
 */
import type { RunSpec } from '../../host';

export function commandOf(spec: RunSpec): string[] {
  return [...(spec.entrypoint ?? []), ...(spec.argv ?? [])];
}

export function withCommand(spec: RunSpec, command: string[]): RunSpec {
  if (spec.backend === 'process') return { ...spec, argv: command };
  return { ...spec, entrypoint: command.slice(0, 1), argv: command.slice(1) };
}
