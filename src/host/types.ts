/**
 * The contract of the local runtime host, shared by the CLI, the debug adapter and the extension.
 * Implementations live beside this file; nothing here imports vscode.
 */
import type { FunctionSpec } from '../spec/model';
import type { FcboxError } from '../spec/errors';

export type BackendKind = 'auto' | 'process' | 'docker';
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
  /** Image per custom runtime for the docker backend, e.g. `{ "custom.debian10": "my/runtime:tag" }`. */
  runtimeImages?: Record<string, string>;
  /** Values for the x-fc-access-key-* headers; placeholders when absent. */
  credentials?: Partial<Credentials>;
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
  /** process: the full argv (with `/code` mapped to the code dir). docker: entrypoint override + cmd. */
  argv: string[];
  /** docker only: entrypoint override, undefined = image's own. */
  entrypoint?: string[];
  cwd: string;
  env: Record<string, string>;
  image?: string;
  mounts: { hostPath: string; containerPath: string; readOnly?: boolean }[];
  /** The server's own port; `hostPort` is where the gateway talks to it. */
  server: PortBinding;
  /** Further ports to publish on 127.0.0.1 (debugger ports). */
  extraPorts: PortBinding[];
  labels: Record<string, string>;
}

export interface LogLine {
  time: number;
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
  requestId?: string;
}

export interface InvokeRequest {
  /** HTTP functions: the request passed through; event functions use `body` as the event. */
  method?: string;
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
