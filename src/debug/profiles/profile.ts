/**
 * A language profile says how to switch a runtime's debugger on without the user editing their start command
 * (a pure RunSpec change), how to tell it is listening, and which attach configuration its VS Code debugger takes.
 */
import type { FcboxError } from '../../spec/errors';
import type { RunSpec } from '../../host';
import type { AttachEventBody, DebugLanguage } from '../configuration';

/** Where the debuggee's debugger listens, as seen from inside the instance. */
export interface ListenAddress {
  /** 127.0.0.1 for a process (an open inspector is remote code execution); 0.0.0.0 inside a container. */
  host: string;
  port: number;
  /** Hold the runtime until a debugger attaches. */
  wait: boolean;
}

export interface AttachTarget {
  name: string;
  /** The debugger's port on the host's 127.0.0.1. */
  port: number;
  localRoot: string;
  remoteRoot: string;
  stopOnEntry: boolean;
}

/** Whether `interpreter`, run with `env`, can import every module in `modules`. */
export type InterpreterProbe = (interpreter: string, modules: string[], env: Record<string, string>) => Promise<boolean>;

export interface DebugProfile {
  readonly language: DebugLanguage;
  /** The port the debugger listens on inside a container (the runtime's customary one). */
  readonly containerPort: number;
  /** Output the runtime prints once its debugger listens, and how error messages name it. */
  readonly cue: { pattern: RegExp; description: string };
  /**
   * A check that the published port reaches the debugger. Only for debuggers that tolerate a connection that is
   * not their client; absent means the cue is the whole readiness signal (see each profile for why).
   */
  probe?(port: number): Promise<boolean>;
  /** An output line that means the debugger cannot start, as the error to report. */
  failure(text: string): FcboxError | undefined;
  enable(spec: RunSpec, listen: ListenAddress): RunSpec;
  /**
   * Process backend only, after `enable`: adjusts the spec to this machine (Python: picks an interpreter that can
   * import debugpy). The side effect comes in through `probe`.
   */
  prepare?(spec: RunSpec, probe: InterpreterProbe): Promise<RunSpec>;
  attachConfiguration(target: AttachTarget): AttachEventBody['configuration'];
}

/** Appends an option to a space-separated variable such as NODE_OPTIONS, keeping what the user set. */
export function appendOption(env: Record<string, string>, name: string, option: string): Record<string, string> {
  const existing = env[name]?.trim();
  return { ...env, [name]: existing ? `${existing} ${option}` : option };
}
