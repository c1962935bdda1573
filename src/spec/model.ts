/**
 * The normalised model every layer works with. s.yaml (editions 1.0.0 and 3.0.0) and SCF serverless.yml are
 * parsed into these types once; nothing above `spec/` looks at YAML again.
 */

export type Platform = 'fc' | 'scf';
export type Edition = '1.0.0' | '3.0.0' | 'scf';
/** event: invoked through InvokeFunction (`POST /invoke`); http: has an HTTP trigger (`x-fc-control-path: /http-invoke`). */
export type FunctionKind = 'event' | 'http';
export type Severity = 'error' | 'warning' | 'info';

/** Zero-based, as VS Code counts; the CLI adds one when it prints. */
export interface Position {
  line: number;
  character: number;
}

export interface SourceRange {
  start: Position;
  end: Position;
}

/** A machine-applicable fix, so editors need not read it out of the message. */
export interface DiagnosticFix {
  /** Text that replaces the diagnostic's range ("did you mean"). */
  replacement?: string;
  /** Absolute path of the start file the problem is in (permission, `#!` line, CRLF). */
  startFile?: string;
}

export interface Diagnostic {
  file: string;
  range: SourceRange;
  severity: Severity;
  /** Stable, documented code such as `unknown-key` or `CAFilePermission`. */
  code: string;
  message: string;
  /** What the user should do about it. */
  hint?: string;
  fix?: DiagnosticFix;
}

/** A lifecycle hook (initializer, preFreeze, preStop). Timeouts are in seconds. */
export interface HookSpec {
  handler: string;
  timeout: number;
}

export interface HttpTriggerSpec {
  name: string;
  methods: string[];
  authType: string;
}

export interface FunctionSpec {
  /** Unique within a workspace: `<projectFile>#<resourceKey>/<name>`. */
  id: string;
  platform: Platform;
  edition: Edition;
  /** Absolute path of the s.yaml / serverless.yml that declares the function. */
  projectFile: string;
  /** `services.<key>` (1.0.0), `resources.<key>` (3.0.0) or the SCF component instance name. */
  resourceKey: string;
  /** FC 2.0 service name; 3.0.0 has no services, so the gateway's 2.0-style paths accept any service name for it. */
  service?: string;
  name: string;
  /** As written: `custom`, `custom.debian10`, `custom-container`, `nodejs14`, ...; SCF: `web-image` or `event-image`. */
  runtime: string;
  kind: FunctionKind;
  /** Absolute code directory (custom runtime code mounted at /code), if any. */
  codeDir?: string;
  /**
   * Custom runtime: the start command, default `['/code/bootstrap']`.
   * Custom container / SCF image: the entrypoint override; undefined means the image's own ENTRYPOINT.
   */
  command?: string[];
  /** Arguments after `command`; for containers undefined means the image's own CMD. */
  args?: string[];
  image?: string;
  /** The port the user's server listens on (caPort / customRuntimeConfig.port / customContainerConfig.port; SCF 9000). */
  port: number;
  /** Seconds. */
  timeout: number;
  /** MB. */
  memorySize: number;
  instanceConcurrency: number;
  environment: Record<string, string>;
  handler?: string;
  initializer?: HookSpec;
  preFreeze?: HookSpec;
  preStop?: HookSpec;
  httpTrigger?: HttpTriggerSpec;
  region?: string;
  /** Range of the function's node in `projectFile` (the `function:` map, the resource, or the SCF `inputs`). */
  range: SourceRange;
}

/** How people name a function: `service/name` when it has a service (edition 1.0.0), else its name. */
export function qualifiedName(fn: Pick<FunctionSpec, 'service' | 'name'>): string {
  return fn.service ? `${fn.service}/${fn.name}` : fn.name;
}

/** True for runtimes where the user ships an HTTP server as code (not an image). */
export function isCustomRuntime(spec: Pick<FunctionSpec, 'runtime'>): boolean {
  return spec.runtime === 'custom' || spec.runtime.startsWith('custom.');
}

export function isContainer(spec: Pick<FunctionSpec, 'runtime' | 'image'>): boolean {
  return spec.runtime === 'custom-container' || spec.runtime.endsWith('-image') || (spec.image !== undefined && !isCustomRuntime(spec));
}

export interface Project {
  file: string;
  edition: Edition | undefined;
  functions: FunctionSpec[];
  diagnostics: Diagnostic[];
}
