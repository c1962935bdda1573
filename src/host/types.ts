/**
 * The contract of the local runtime host, shared by the CLI, the debug adapter and the extension.
 * Implementations live beside this file; nothing here imports vscode.
 */
import type { FunctionSpec } from '../spec/model';
import type { FcboxError } from '../spec/errors';

export type BackendKind = 'auto' | 'process' | 'docker';
/**
 * `stopped`: never started, or stop() was called (a user's decision). `crashed`: not running for any other reason
 * (the server exited, failed to start, or was recycled after a function timeout); the next invocation starts it.
 */
export type InstanceState = 'stopped' | 'starting' | 'ready' | 'busy' | 'frozen' | 'crashed';

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  accountId: string;
}

export interface HostOptions {
  backend: BackendKind;
  /** Overrides the platform's ready deadline (120 s FC, 30 s SCF). */
  startupTimeoutMs?: number;
  /** Overrides the function's own `timeout` per invocation; 0 disables it (a debugger paused at a breakpoint). */
  invocationTimeoutMs?: number;
  /** Image per custom runtime for the docker backend, e.g. `{ "custom.debian10": "my/runtime:tag" }`. */
  runtimeImages?: Record<string, string>;
  /** Values for the x-fc-access-key-* headers; placeholders when absent. */
  credentials?: Partial<Credentials>;
  /** The environment the process backend inherits PATH/HOME/LANG from; defaults to `process.env`. */
  hostEnv?: NodeJS.ProcessEnv;
}

/** What the debug adapter (or any embedder) hooks into an instance. */
export interface InstanceOptions extends HostOptions {
  /** Amends the run specification before start: NODE_OPTIONS, a debugpy argv wrapper, a published inspector port. */
  transform?: RunSpecTransform;
  /** Awaited after the server is ready and before `POST /initialize`, e.g. until a debugger has attached. */
  beforeInitialize?: () => Promise<void>;
}

/** A published port: the container (or process) port and where fcbox reaches it on 127.0.0.1. */
export interface PortBinding {
  containerPort: number;
  hostPort: number;
}

/**
 * Everything needed to start one instance, decided before anything is spawned, so tests can assert it and the
 * debugger can amend it (add NODE_OPTIONS, wrap argv in debugpy, publish the inspector port).
 */
export interface RunSpec {
  backend: 'process' | 'docker';
  functionId: string;
  /** The function's own runtime (`custom`, `custom-container`, `web-image`, ...), for messages and image choice. */
  runtime: string;
  /**
   * process: the full argv, `/code` already mapped to the code dir.
   * docker: the container's CMD; undefined keeps the image's own CMD.
   */
  argv?: string[];
  /** docker only: ENTRYPOINT override; undefined keeps the image's own. */
  entrypoint?: string[];
  /** process: the code dir. docker: the working dir inside the container; undefined keeps the image's own. */
  cwd?: string;
  env: Record<string, string>;
  /** docker only. */
  image?: string;
  mounts: { hostPath: string; containerPath: string; readOnly?: boolean }[];
  /** The server's own port; `hostPort` is where the gateway talks to it (the same port in process mode). */
  server: PortBinding;
  /** Further ports to publish on 127.0.0.1 (debugger ports); the readiness check ignores them. */
  extraPorts: PortBinding[];
  labels: Record<string, string>;
  /** The deadline for the server to accept connections. */
  startupTimeoutMs: number;
  /** Host path of the start executable when it lives in the code dir (checked for +x, shebang, CRLF before start). */
  bootstrapPath?: string;
}

export interface LogLine {
  time: number;
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
  requestId?: string;
  /** Only on `system` lines: fcbox's own notes about the instance. */
  level?: 'info' | 'warning' | 'error';
}

export interface InvokeRequest {
  /** HTTP functions: the request passed through; event functions use `body` as the event. */
  method?: string;
  /** HTTP functions: path and query as the user's server should see them. */
  path?: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer;
  requestId?: string;
}

export interface InvokeResult {
  requestId: string;
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  durationMs: number;
  logs: LogLine[];
  /** Set when the platform (not the function) failed the call: CAExited, timeout, BadResponse, ... */
  error?: FcboxError;
  /** True when the function reported failure (non-2xx or `x-fc-status: 404`). */
  functionError: boolean;
}

/** Lets the debug layer switch a language's debugger on without the user editing the start command. */
export interface RunSpecTransform {
  (spec: RunSpec, fn: FunctionSpec): RunSpec | Promise<RunSpec>;
}

export type { FunctionSpec };
