/** The language profiles and how fcbox picks one when the configuration says `language: auto`. */
import * as path from 'node:path';
import { FcboxError } from '../../spec/errors';
import type { DebugLanguage } from '../configuration';
import { javaProfile } from './java';
import { NODE_LAUNCHERS, nodeProfile } from './node';
import { isModuleLauncher, isPythonExecutable, pythonProfile } from './python';
import type { DebugProfile } from './profile';

export type { AttachTarget, DebugProfile, InterpreterProbe, ListenAddress } from './profile';
export { commandOf, withCommand } from './command';

const PROFILES: Record<DebugLanguage, DebugProfile> = { node: nodeProfile, python: pythonProfile, java: javaProfile };

export function profileFor(language: DebugLanguage): DebugProfile {
  return PROFILES[language];
}

const NODE_EXECUTABLES = new Set(['node', 'nodejs', ...NODE_LAUNCHERS]);

/** The language of one executable name, if it names a runtime. */
function languageOfExecutable(executable: string): DebugLanguage | undefined {
  const name = path.basename(executable);
  if (NODE_EXECUTABLES.has(name)) return 'node';
  if (isPythonExecutable(name) || isModuleLauncher(name)) return 'python';
  if (name === 'java' || name.endsWith('.jar')) return 'java';
  return undefined;
}

/**
 * `auto`: the start command's executable, else the first runtime a bootstrap script runs (FC's default start
 * command is a shell script at /code/bootstrap), else the FC runtime name (`nodejs16`, `python3.9`, `java11`).
 */
export function detectLanguage(command: string[], runtime: string, bootstrapScript?: string): DebugLanguage {
  const found = runtimeExecutable(command, bootstrapScript);
  if (found) return languageOfExecutable(found)!;
  const m = /^(nodejs|python|java)/.exec(runtime);
  if (m) return m[1] === 'nodejs' ? 'node' : (m[1] as DebugLanguage);
  throw new FcboxError(
    'DebuggerLanguageUnknown',
    `cannot tell which debugger this function uses from its start command: ${command.join(' ') || '(the image default)'}`,
    'set "language" to node, python or java in the launch configuration',
  );
}

/** The start command's executable if it names a runtime, else the first runtime a bootstrap script runs. */
export function runtimeExecutable(command: string[], bootstrapScript?: string): string | undefined {
  if (command.length > 0 && languageOfExecutable(command[0])) return path.basename(command[0]);
  for (const line of (bootstrapScript ?? '').split(/\r?\n/)) {
    if (line.trim().startsWith('#')) continue;
    for (const word of line.split(/\s+/)) {
      if (word && languageOfExecutable(word)) return path.basename(word);
    }
  }
  return undefined;
}
