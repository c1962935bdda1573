/**
 * Platform facts that both `spec/` (diagnostics, defaults) and `host/` (running) decide with, in one place so the
 * two cannot disagree.
 */
import * as path from 'node:path';

/** Where FC deploys the code package; commands and args often name files under it (seeds/002). */
export const CODE_MOUNT = '/code';
/** Seeds/002: "If you do not configure a startup command ... starts the HTTP server from /code/bootstrap". */
export const DEFAULT_BOOTSTRAP = `${CODE_MOUNT}/bootstrap`;
/** Seeds/002: the documented default CAPort. */
export const DEFAULT_FC_PORT = 9000;
/** Seeds/004: SCF web-server image functions always listen on 9000. */
export const SCF_PORT = 9000;
/** The region an instance is told about when s.yaml names none (deploying needs one; running locally does not). */
export const DEFAULT_REGION = { fc: 'cn-hangzhou', scf: 'ap-guangzhou' } as const;

/** `/code` or `/code/...` as the path under the host's code directory; undefined for any other path. */
export function fromCodeMount(file: string, codeDir: string): string | undefined {
  if (file === CODE_MOUNT) return codeDir;
  if (file.startsWith(`${CODE_MOUNT}/`)) return path.join(codeDir, file.slice(CODE_MOUNT.length + 1));
  return undefined;
}

/** How much of a start file the checks read: enough for an ELF header and any `#!` line. */
export const START_FILE_HEAD_BYTES = 4096;

/**
 * Why FC would refuse to exec a start file, worst first: not executable (seeds/001 §7.2.3), neither an ELF binary
 * nor a `#!` script (§7.2.2 "exec format error"), a `#!` line ending in CR so the interpreter "bash\r" does not
 * exist (§7.2.6). `executable` undefined means the file system cannot tell (Windows). Locally glibc would quietly
 * run a shebang-less script with /bin/sh, so this is checked rather than left to exec.
 */
export function inspectStartFile(file: { executable?: boolean; head: Buffer }): StartFileProblem[] {
  const problems: StartFileProblem[] = [];
  if (file.executable === false) problems.push({ kind: 'not-executable' });
  const { head } = file;
  if (head.subarray(0, 4).equals(ELF_MAGIC)) return problems;
  if (head.subarray(0, 2).toString('latin1') !== '#!') {
    problems.push({ kind: 'no-shebang' });
    return problems;
  }
  const firstLine = head.toString('latin1').split('\n')[0];
  if (firstLine.endsWith('\r')) problems.push({ kind: 'crlf', interpreter: firstLine.slice(2, -1).trim() });
  return problems;
}

export type StartFileProblem = { kind: 'not-executable' } | { kind: 'no-shebang' } | { kind: 'crlf'; interpreter: string };

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
