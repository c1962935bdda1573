import * as path from 'node:path';
import { isContainer, isCustomRuntime, qualifiedName } from './model';
import { DEFAULT_BOOTSTRAP, fromCodeMount, inspectStartFile, START_FILE_HEAD_BYTES } from './platform';
import { FileAccess } from './fileAccess';
import { NormalisedFunction } from './normalise';
import { ParsedFile } from './parse';

/** Checks a schema cannot express: they need resolved values, several keys at once, or the files on disk. */
export function checkFunctions(parsed: ParsedFile, functions: NormalisedFunction[], files: FileAccess | undefined): void {
  const byName = new Map<string, NormalisedFunction>();
  for (const fn of functions) {
    const { spec, at } = fn;
    const qualified = qualifiedName(spec);
    // Names are unique per region (and per service in FC 2.0); the same name in two regions is two functions.
    const first = byName.get(`${spec.region ?? ''}|${qualified}`);
    if (first) {
      parsed.report('duplicate-function', at.name, `function name already used by "${first.spec.resourceKey}": ${qualified}`, 'give each function its own name');
    } else {
      byName.set(`${spec.region ?? ''}|${qualified}`, fn);
    }

    if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) {
      parsed.report('port-out-of-range', at.port, `port must be between 1 and 65535: ${spec.port}`, 'FC custom runtimes listen on 9000 unless told otherwise');
    }
    if (spec.initializer && spec.initializer.timeout > spec.timeout) {
      parsed.report(
        'initializer-timeout',
        at.initializer,
        `initializer timeout (${spec.initializer.timeout} s) is longer than the function timeout: ${spec.timeout} s`,
        'raise the function timeout or shorten the initializer timeout',
      );
    }
    if (spec.httpTrigger && spec.httpTrigger.methods.length === 0) {
      parsed.report('http-trigger-no-methods', at.trigger, `HTTP trigger lists no methods: ${spec.httpTrigger.name}`, 'add methods, e.g. [GET, POST]');
    }
    if (spec.runtime === 'custom-container' && !spec.image) {
      parsed.report('image-missing', at.image, `custom-container function has no image: ${spec.name}`, 'set customContainerConfig.image');
    }
    if (files) checkFiles(parsed, fn, files);
  }
}

function checkFiles(parsed: ParsedFile, { spec, at }: NormalisedFunction, files: FileAccess): void {
  if (!spec.codeDir || isContainer(spec)) return;
  const dir = files.stat(spec.codeDir);
  if (!dir) {
    parsed.report('codedir-missing', at.code, `code directory does not exist: ${spec.codeDir}`, 'create it or fix the path (relative to this file)');
    return;
  }
  // A zip or jar is deployed as is; there is no bootstrap to inspect.
  if (dir.kind !== 'directory' || !isCustomRuntime(spec) || !spec.command?.length) return;

  const explicit = spec.command[0] !== DEFAULT_BOOTSTRAP;
  const startFile = codeFile(spec.codeDir, spec.command[0]);
  if (!startFile) return;
  const range = explicit ? at.command : at.code;
  const shown = path.relative(path.dirname(parsed.file), startFile) || startFile;
  const stat = files.stat(startFile);
  if (!stat || stat.kind !== 'file') {
    if (explicit) parsed.report('command-not-found', range, `start command not found in the code directory: ${shown}`, 'build it first, or fix customRuntimeConfig.command');
    else parsed.report('bootstrap-missing', range, `custom runtime has no start command and no bootstrap file: ${shown}`, 'add an executable bootstrap that starts your server, or set customRuntimeConfig.command');
    return;
  }
  // FC execs the start file itself (seeds/003): it must be executable and be a binary or a `#!` script.
  const head = files.readHead(startFile, START_FILE_HEAD_BYTES) ?? Buffer.alloc(0);
  for (const problem of inspectStartFile({ executable: stat.executable, head })) {
    if (problem.kind === 'not-executable') {
      parsed.report('CAFilePermission', range, `start file is not executable: ${shown}`, `run: chmod +x ${shown}`, { startFile });
    } else if (problem.kind === 'no-shebang') {
      parsed.report('CAExited', range, `start file has no #! line and is not a binary: ${shown}`, 'make the first line #!/bin/bash (or the interpreter it needs)', { startFile });
    } else {
      parsed.report('bootstrap-crlf', range, `start file has Windows (CRLF) line endings: ${shown}`, `convert it to LF, e.g. sed -i 's/\\r$//' ${shown}`, { startFile });
    }
  }
}

/**
 * The file a start command runs, when it lives in the code directory: `/code/...` (where FC mounts the code)
 * or a relative path (FC starts in /code). Bare names (`python`) and other absolute paths are found elsewhere.
 */
function codeFile(codeDir: string, command: string): string | undefined {
  const mapped = fromCodeMount(command, codeDir);
  if (mapped) return mapped;
  if (!path.isAbsolute(command) && command.includes('/')) return path.join(codeDir, command);
  return undefined;
}
