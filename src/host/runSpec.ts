/**
 * FunctionSpec → RunSpec: every decision about how an instance starts (argv, env, ports, mounts, image), made
 * before anything is spawned. No side effects: the caller passes the instance id, and the host environment too
 * unless `process.env` is meant (read, never changed).
 */
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { FunctionSpec, isContainer, isCustomRuntime } from '../spec/model';
import { FcboxError } from '../spec/errors';
import { CODE_MOUNT, DEFAULT_BOOTSTRAP, DEFAULT_REGION, fromCodeMount, SCF_PORT } from '../spec/platform';
import { BackendKind, Credentials, HostOptions, RunSpec } from './types';

export { CODE_MOUNT };

/** Seed 002: "The HTTP server must be ready within 120 seconds"; seed 004: SCF "started within 30 seconds". */
function platformStartupTimeoutMs(fn: Pick<FunctionSpec, 'platform'>): number {
  return fn.platform === 'scf' ? 30_000 : 120_000;
}

/** Values the platform would inject; obvious placeholders so nobody mistakes them for real keys. */
const PLACEHOLDER_CREDENTIALS: Credentials = {
  accessKeyId: 'fcbox-local-access-key-id',
  accessKeySecret: 'fcbox-local-access-key-secret',
  securityToken: 'fcbox-local-security-token',
  accountId: '1234567890123456',
};

/**
 * The Alibaba Cloud CLI/SDK variable names, so a developer's existing shell setup just works. Read where the
 * adapter runs (the extension host, or the adapter process it started with the same environment).
 */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Partial<Credentials> {
  const picked: Partial<Credentials> = {
    accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN,
    accountId: env.ALIBABA_CLOUD_ACCOUNT_ID,
  };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v)) as Partial<Credentials>;
}

export function credentialsOf(options: Pick<HostOptions, 'credentials'>): Credentials {
  return { ...PLACEHOLDER_CREDENTIALS, ...options.credentials };
}

/** Images the docker backend runs custom runtime code in when the user configured none. */
function defaultRuntimeImage(runtime: string): string {
  return `aliyunfc/runtime-${runtime}:latest`;
}

/** auto: containers need docker; custom runtime code runs as a plain process (nothing to install). */
export function resolveBackend(fn: FunctionSpec, backend: BackendKind): 'process' | 'docker' {
  if (backend !== 'auto') return backend;
  return isContainer(fn) && !isCustomRuntime(fn) ? 'docker' : 'process';
}

/** A port in 20000–32767 (below Linux's ephemeral range) derived from a key, so it survives restarts. */
export function stablePort(key: string): number {
  const n = createHash('sha1').update(key).digest().readUInt32BE(0);
  return 20_000 + (n % 12_768);
}

/** The host variables a process-mode server needs to find its interpreter; nothing else leaks in. */
const INHERITED_HOST_VARS = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SYSTEMROOT'];

export interface RunSpecOptions extends HostOptions {
  /** Unique per started instance (FC_INSTANCE_ID). */
  instanceId: string;
}

export function buildRunSpec(fn: FunctionSpec, options: RunSpecOptions): RunSpec {
  const backend = resolveBackend(fn, options.backend);
  const port = fn.platform === 'scf' ? SCF_PORT : fn.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    // spec/ reports this as port-out-of-range; callers that skip validation (the CLI with --function) land here.
    throw new FcboxError('InvalidArgument', `function ${fn.name} listens on port ${port}, which is not between 1 and 65535`, 'set customRuntimeConfig.port (or caPort) to a port between 1 and 65535');
  }
  const common = {
    backend,
    functionId: fn.id,
    runtime: fn.runtime,
    mounts: [] as RunSpec['mounts'],
    extraPorts: [],
    labels: { fcbox: '1', 'fcbox.function': fn.id },
    startupTimeoutMs: options.startupTimeoutMs ?? platformStartupTimeoutMs(fn),
  };
  const custom = isCustomRuntime(fn);
  if (custom && !fn.codeDir) {
    throw new FcboxError('InvalidFunction', `function ${fn.name} has no code directory`, 'set `code:` in s.yaml to the folder holding bootstrap');
  }
  const start = custom ? [...(fn.command ?? [DEFAULT_BOOTSTRAP]), ...(fn.args ?? [])] : undefined;

  if (backend === 'process') {
    if (!custom) {
      throw new FcboxError(
        'BackendUnsupported',
        `function ${fn.name} runs an image (${fn.runtime}); the process backend cannot run images`,
        'use --backend docker (or auto)',
      );
    }
    const codeDir = fn.codeDir as string;
    const argv = (start as string[]).map((a) => mapCodePath(a, codeDir));
    return {
      ...common,
      argv,
      cwd: codeDir,
      env: { ...pickHostEnv(options.hostEnv ?? process.env), ...fn.environment, ...platformEnv(fn, options, port, codeDir) },
      server: { containerPort: port, hostPort: port },
      bootstrapPath: bootstrapOnHost(argv[0], codeDir),
    };
  }

  const hostPort = stablePort(fn.id);
  if (custom) {
    const codeDir = fn.codeDir as string;
    return {
      ...common,
      // The published runtime images carry FC's own agent as entrypoint; fcbox is the agent, so the user's start
      // command becomes the entrypoint (design.md §2).
      entrypoint: [(start as string[])[0]],
      argv: (start as string[]).slice(1),
      cwd: CODE_MOUNT,
      image: options.runtimeImages?.[fn.runtime] ?? defaultRuntimeImage(fn.runtime),
      env: { ...fn.environment, ...platformEnv(fn, options, port, CODE_MOUNT) },
      mounts: [{ hostPath: codeDir, containerPath: CODE_MOUNT }],
      server: { containerPort: port, hostPort },
      bootstrapPath: bootstrapOnHost((start as string[])[0], codeDir),
    };
  }
  if (!fn.image) {
    throw new FcboxError('InvalidFunction', `function ${fn.name} has no image`, 'set the image in s.yaml (customContainerConfig.image / inputs.image)');
  }
  return {
    ...common,
    entrypoint: fn.command,
    argv: fn.args,
    image: fn.image,
    env: { ...fn.environment, ...platformEnv(fn, options, port, undefined) },
    server: { containerPort: port, hostPort },
  };
}

/** `/code/x` → `<codeDir>/x`; anything else unchanged (relative paths already resolve against cwd = codeDir). */
export function mapCodePath(arg: string, codeDir: string): string {
  return fromCodeMount(arg, codeDir) ?? arg;
}

function bootstrapOnHost(executable: string, codeDir: string): string | undefined {
  if (executable.startsWith(`${CODE_MOUNT}/`)) return fromCodeMount(executable, codeDir);
  if (executable.startsWith(codeDir + path.sep)) return executable;
  if (!executable.includes('/')) return undefined; // a command on PATH such as `node` or `python3`
  return path.isAbsolute(executable) ? undefined : path.join(codeDir, executable);
}

function pickHostEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of INHERITED_HOST_VARS) if (env[k] !== undefined) out[k] = env[k] as string;
  return out;
}

/**
 * The variables the platform sets in the instance. FC: the names Serverless Devs' local runner uses
 * (research/mission-anchors.md, "fc-local-invoke env"); SCF: seed 004 "Built-in environment variables".
 */
function platformEnv(fn: FunctionSpec, options: RunSpecOptions, port: number, codeRoot: string | undefined): Record<string, string> {
  if (fn.platform === 'scf') {
    return { SCF_FUNCTIONNAME: fn.name, SCF_FUNCTIONVERSION: '$LATEST', USER_CODE_ROOT: '/var/user/', USER: 'qcloud' };
  }
  const c = credentialsOf(options);
  const env: Record<string, string> = {
    FC_RUNTIME: fn.runtime,
    FC_TIMEOUT: String(fn.timeout),
    FC_FUNCTION_NAME: fn.name,
    FC_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    FC_MEMORY_SIZE: String(fn.memorySize),
    FC_REGION: fn.region ?? DEFAULT_REGION.fc,
    FC_ACCOUNT_ID: c.accountId,
    FC_SERVER_PORT: String(port),
    FC_CUSTOM_LISTEN_PORT: String(port),
    FC_INSTANCE_ID: options.instanceId,
    FC_QUALIFIER: 'LATEST',
    ALIBABA_CLOUD_ACCESS_KEY_ID: c.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: c.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: c.securityToken,
  };
  if (codeRoot) env.FC_FUNC_CODE_PATH = codeRoot.endsWith('/') ? codeRoot : `${codeRoot}/`;
  if (fn.service) env.FC_SERVICE_NAME = fn.service;
  if (fn.handler) {
    env.FC_FUNCTION_HANDLER = fn.handler;
    env.FC_HANDLER = fn.handler;
  }
  if (fn.initializer) {
    env.FC_INITIALIZER_HANDLER = fn.initializer.handler;
    env.FC_INITIALIZATION_TIMEOUT = String(fn.initializer.timeout);
  }
  return env;
}
