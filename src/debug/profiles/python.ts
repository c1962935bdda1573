/**
 * Python: debugpy, started in the same interpreter as the user's server. A start command such as
 * `python3 -u app.py`, `python -m flask run` or `gunicorn app:app` becomes
 * `python3 [-u] -c <BOOTSTRAP> <-m module | script> args…`, where the bootstrap calls `debugpy.listen`, prints
 * our cue and runs the original target exactly as `python` would (runpy). We do not use `python -m debugpy
 * --listen` as it stands: it prints nothing when it is listening, and a connection that is not its client ends
 * the session (verified with debugpy 1.6: a bare TCP connect made a `--wait-for-client` debuggee exit), so there
 * would be no safe readiness signal. VS Code attaches with the Python extension (`type: debugpy`).
 */
import * as path from 'node:path';
import { FcboxError } from '../../spec/errors';
import { commandOf, withCommand } from './command';
import { DebugProfile, InterpreterProbe, ListenAddress } from './profile';

export const PYTHON_CUE = 'fcbox: debugpy is listening on';

/** Console scripts that are thin launchers of an importable module, so `python -m <module>` is equivalent. */
const MODULE_LAUNCHERS: Record<string, string> = {
  gunicorn: 'gunicorn',
  uvicorn: 'uvicorn',
  hypercorn: 'hypercorn',
  flask: 'flask',
  daphne: 'daphne',
  'waitress-serve': 'waitress',
};

/** Interpreter options that take a separate value (`-W ignore`, `-X dev`). */
const OPTIONS_WITH_VALUE = new Set(['-W', '-X']);

export function isPythonExecutable(executable: string): boolean {
  return /^python(\d+(\.\d+)*)?$/.test(path.basename(executable));
}

export function isModuleLauncher(executable: string): boolean {
  return path.basename(executable) in MODULE_LAUNCHERS;
}

/** True when wrapPythonCommand can handle the command's executable. */
export function runsPython(command: string[]): boolean {
  return command.length > 0 && (isPythonExecutable(command[0]) || isModuleLauncher(command[0]));
}

/**
 * The python command a start script runs, when that is all it does (`#!/bin/bash` + `exec python3 app.py`, FC's
 * usual bootstrap), so the command can be run directly with debugpy. Undefined for anything a shell must
 * interpret (variables, quotes, other statements), which could change what runs.
 */
export function pythonCommandOfScript(script: string): string[] | undefined {
  const statements = script
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (statements.length !== 1 || /[$`'"\\;&|<>(){}*?~]/.test(statements[0])) return undefined;
  const words = statements[0].split(/\s+/);
  const command = words[0] === 'exec' ? words.slice(1) : words;
  return runsPython(command) ? command : undefined;
}

/** Runs after `debugpy.listen`; argv is `-c <this> (-m|-c|--file) <target> args…`. */
function bootstrap(listen: ListenAddress): string {
  return [
    'import os, runpy, sys, debugpy',
    // debugpy.listen spawns its adapter, which daemonizes (setsid) and would keep our stdout/stderr open after
    // the server is killed: the instance's output would never end. It gets /dev/null instead.
    'saved, null = [os.dup(1), os.dup(2)], os.open(os.devnull, os.O_WRONLY)',
    'os.dup2(null, 1); os.dup2(null, 2)',
    'try:',
    `    debugpy.listen((${JSON.stringify(listen.host)}, ${listen.port}))`,
    'finally:',
    '    os.dup2(saved[0], 1); os.dup2(saved[1], 2)',
    '    for fd in saved + [null]: os.close(fd)',
    `print(${JSON.stringify(`${PYTHON_CUE} ${listen.host}:${listen.port}`)}, file=sys.stderr, flush=True)`,
    listen.wait ? 'debugpy.wait_for_client()' : '',
    'kind, target = sys.argv[1], sys.argv[2]',
    'sys.argv = sys.argv[2:]',
    'if kind == "-m": runpy.run_module(target, run_name="__main__", alter_sys=True)',
    'elif kind == "-c": exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})',
    'else: runpy.run_path(target, run_name="__main__")',
  ]
    .filter(Boolean)
    .join('\n');
}

/** `[python, ...options, target...]` → the same command with debugpy listening first. Throws when it cannot. */
export function wrapPythonCommand(command: string[], listen: ListenAddress, defaultPython = 'python3'): string[] {
  const [executable, ...rest] = command;
  if (!runsPython(command)) throw cannotWrap(command);
  if (isModuleLauncher(executable)) {
    return [defaultPython, '-c', bootstrap(listen), '-m', MODULE_LAUNCHERS[path.basename(executable)], ...rest];
  }
  const options: string[] = [];
  let i = 0;
  while (i < rest.length && rest[i].startsWith('-') && rest[i] !== '-m' && rest[i] !== '-c' && rest[i] !== '-') {
    options.push(rest[i]);
    if (OPTIONS_WITH_VALUE.has(rest[i]) && i + 1 < rest.length) options.push(rest[++i]);
    i++;
  }
  const target = rest.slice(i);
  if (target.length === 0 || target[0] === '-') throw cannotWrap(command);
  const [kind, ...tail] = target[0] === '-m' || target[0] === '-c' ? target : ['--file', ...target];
  if (tail.length === 0) throw cannotWrap(command);
  return [executable, ...options, '-c', bootstrap(listen), kind, ...tail];
}

/** Interpreters worth trying, the command's own first: Debian's python3-debugpy serves only /usr/bin/python3. */
const FALLBACK_INTERPRETERS = ['python3', 'python', '/usr/bin/python3'];

/**
 * The first interpreter that can import debugpy and, for `-m module` commands, the module. `command` is a wrapped
 * command (see wrapPythonCommand), so its module, if any, follows the bootstrap.
 */
export async function choosePython(command: string[], env: Record<string, string>, probe: InterpreterProbe): Promise<string> {
  const m = command.indexOf('-m', command.indexOf('-c') + 2);
  const modules = m > 0 ? ['debugpy', command[m + 1]] : ['debugpy'];
  const candidates = [...new Set([command[0], ...FALLBACK_INTERPRETERS])];
  for (const candidate of candidates) {
    if (await probe(candidate, modules, env)) return candidate;
  }
  throw new FcboxError(
    'DebuggerNotInstalled',
    `no python here can import ${modules.join(' and ')}; tried: ${candidates.join(', ')}`,
    `install debugpy for the interpreter your server uses (${command[0]} -m pip install debugpy)`,
  );
}

function cannotWrap(command: string[]): FcboxError {
  return new FcboxError(
    'DebuggerUnsupportedCommand',
    `cannot switch debugpy on for a start command that does not run python directly: ${command.join(' ') || '(the image default)'}`,
    'make the start command the python one your bootstrap runs (customRuntimeConfig.command: ["python3", "app.py"], or gunicorn/uvicorn …), ' +
      'or reduce the bootstrap to that one `exec python3 …` line, ' +
      // 0.0.0.0 on a host is a debugger anyone on the network can drive (remote code execution); only a
      // container's own interface, published on 127.0.0.1, makes it safe (design.md §4).
      'or call debugpy.listen(("127.0.0.1", 5678)) in your code (("0.0.0.0", 5678) only inside a container, with the port published on 127.0.0.1) and use an "attach" configuration',
  );
}

export const pythonProfile: DebugProfile = {
  language: 'python',
  containerPort: 5678,
  cue: { pattern: new RegExp(PYTHON_CUE), description: `"${PYTHON_CUE} …" (printed after debugpy.listen)` },

  failure(text) {
    if (!/No module named '?debugpy'?/.test(text)) return undefined;
    return new FcboxError(
      'DebuggerNotInstalled',
      'debugpy is not installed for the python that starts the server',
      'pip install debugpy for that interpreter (in the image, for the docker backend)',
    );
  },

  enable(spec, listen) {
    return withCommand(spec, wrapPythonCommand(commandOf(spec), listen));
  },

  async prepare(spec, probe) {
    const command = commandOf(spec);
    const interpreter = await choosePython(command, spec.env, probe);
    return withCommand(spec, [interpreter, ...command.slice(1)]);
  },

  attachConfiguration(t) {
    return {
      type: 'debugpy',
      request: 'attach',
      name: t.name,
      connect: { host: '127.0.0.1', port: t.port },
      pathMappings: [{ localRoot: t.localRoot, remoteRoot: t.remoteRoot }],
      justMyCode: true,
      // gunicorn and friends fork workers; debugpy follows them when asked to.
      subProcess: true,
    };
  },
};
