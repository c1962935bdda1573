/** The shape every `fcbox` subcommand has; `main.ts` parses flags with node:util parseArgs (strict) from `options`. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown by --help, e.g. "--backend auto|process|docker". */
  help: string;
}

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface CliCommand {
  name: string;
  summary: string;
  /** e.g. "fcbox validate [FILE|DIR] [--json]" */
  usage: string;
  options: Record<string, OptionSpec>;
  /**
   * Resolves to the process exit code: 0 ok, 1 failure the command reports, 130 interrupted (Ctrl-C). main.ts maps
   * what run() throws: UsageError → 2, FcboxError (a platform error) → 3, anything else (a bug in fcbox) → 70.
   */
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** Thrown for bad invocations; main prints the message on one line and exits 2. */
export class UsageError extends Error {}
