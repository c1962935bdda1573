/**
 * One function instance run with its language's debugger on: the engine behind the adapter (as mock-debug's
 * runtime is behind its session). It decides the debug plan (language, ports, path mapping), starts the instance
 * through the host with a RunSpec transform, announces an attach configuration each time the debugger is ready
 * (the host restarts a crashed instance on the next invocation, and that instance has a new debugger), and holds
 * the instance's first `/initialize` until the editor reports the child session attached. No vscode, no DAP.
 */
import { EventEmitter } from 'node:events';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FcboxError } from '../spec/errors';
import { FunctionSpec, isCustomRuntime } from '../spec/model';
import { portIsFree } from '../host/backend';
import { Backend, backendFor, buildRunSpec, CODE_MOUNT, credentialsFromEnvironment, freePort, inspectImage, Instance } from '../host';
import type { InstanceOptions, InvokeRequest, InvokeResult, LogLine, RunSpec } from '../host';
import { AttachEventBody, DEFAULT_DEBUGGER_TIMEOUT_MS, DebugLanguage, InvokeArguments, LaunchArguments } from './configuration';
import { commandOf, detectLanguage, DebugProfile, InterpreterProbe, profileFor, runtimeExecutable, withCommand } from './profiles';
import { assertNodeServerCommand } from './profiles/node';
import { pythonCommandOfScript, runsPython } from './profiles/python';
import { waitForDebugger } from './readiness';

export declare interface Debuggee {
  on(event: 'log', listener: (line: LogLine) => void): this;
  on(event: 'attach', listener: (body: AttachEventBody) => void): this;
  /** The debugger of a restarted instance did not become ready. */
  on(event: 'error', listener: (error: FcboxError) => void): this;
}

/** Side effects the debuggee needs beyond the host, injectable for other embedders. */
export interface DebuggeeServices {
  probeInterpreter: InterpreterProbe;
  readFile(file: string): Promise<string | undefined>;
  inspectImage(image: string): Promise<{ entrypoint: string[]; cmd: string[]; workingDir: string }>;
}

export const nodeServices: DebuggeeServices = {
  probeInterpreter: (interpreter, modules, env) =>
    new Promise((resolve) => {
      execFile(interpreter, ['-c', `import ${modules.join(', ')}`], { env, timeout: 10_000 }, (error) => resolve(!error));
    }),
  readFile: (file) => fs.readFile(file, 'utf8').catch(() => undefined),
  inspectImage: (image) => inspectImage(image),
};

/** Everything decided before the instance starts. */
export interface DebugPlan {
  language: DebugLanguage;
  profile: DebugProfile;
  backend: RunSpec['backend'];
  /** The debugger's port inside the instance (process: the same as hostPort). */
  containerPort: number;
  hostPort: number;
  localRoot: string;
  remoteRoot: string;
  /**
   * Replaces the function's start command: the image's own when the function leaves it to the image, or the
   * python command a bootstrap script only `exec`s (so debugpy can wrap it).
   */
  command?: string[];
}

export class Debuggee extends EventEmitter {
  readonly instance: Instance;
  private gate = deferred();
  private attachedOnce = deferred();
  private stopped = false;
  /** The debugger's host port as the backend published it, for the current start. */
  private published = deferred<number>();

  constructor(
    readonly fn: FunctionSpec,
    readonly args: LaunchArguments,
    readonly plan: DebugPlan,
    private readonly services: DebuggeeServices = nodeServices,
  ) {
    super();
    const options: InstanceOptions = {
      backend: plan.backend,
      runtimeImages: args.runtimeImages,
      startupTimeoutMs: args.startupTimeout,
      credentials: args.credentials === 'environment' ? credentialsFromEnvironment() : undefined,
      // A paused debugger must not make invocations (or hooks) fail with a timeout.
      invocationTimeoutMs: 0,
      transform: (spec) => this.transform(spec),
      beforeInitialize: () => this.gate.promise,
    };
    this.instance = new Instance(fn, options, (spec) => this.backend(spec));
    this.instance.on('log', (line) => this.emit('log', line));
  }

  /**
   * Starts the instance; resolves with the first attach configuration once the debugger listens. `started`
   * settles when the server is ready and initialized (that needs `attached()` when an initializer is configured).
   */
  async start(): Promise<{ attach: AttachEventBody; started: Promise<void> }> {
    const first = new Promise<AttachEventBody>((resolve, reject) => {
      this.once('attach', resolve);
      this.once('error', reject);
    });
    const started = this.instance.start();
    // Observed here so a start failing after the debugger failed is not an unhandled rejection; callers still see it.
    let startError: unknown;
    started.catch((e: unknown) => (startError = e));
    try {
      return { attach: await Promise.race([first, started.then(() => first)]), started };
    } catch (e) {
      // When the instance failed, its own error (CAExited, FunctionNotStarted, …) says more than "not ready".
      await new Promise((r) => setImmediate(r));
      throw startError ?? e;
    }
  }

  /** The child session attached (or could not): lets `/initialize` through. */
  attached(): void {
    this.gate.resolve();
    this.attachedOnce.resolve();
  }

  /** Resolves once the first child session attached. */
  get whenAttached(): Promise<void> {
    return this.attachedOnce.promise;
  }

  invoke(args: InvokeArguments): Promise<InvokeResult> {
    return invokeRequest(this.fn, args, this.services).then((req) => this.instance.invoke(req));
  }

  async stop(preStop: boolean): Promise<void> {
    this.stopped = true;
    this.gate.resolve();
    await this.instance.stop({ preStop });
  }

  /** Runs for every start of the instance: switches the debugger on and watches for it to listen. */
  private async transform(built: RunSpec): Promise<RunSpec> {
    const { plan, args } = this;
    let spec: RunSpec = { ...built, env: { ...built.env, ...args.env } };
    if (plan.command) spec = withCommand(spec, plan.command);
    const host = plan.backend === 'docker' ? '0.0.0.0' : '127.0.0.1';
    spec = plan.profile.enable(spec, { host, port: plan.containerPort, wait: !!args.stopOnEntry });
    if (plan.backend === 'process' && plan.profile.prepare) spec = await plan.profile.prepare(spec, this.services.probeInterpreter);
    // Published on 127.0.0.1 only (host backends); in process mode this tells the host's port checks to ignore it.
    spec = { ...spec, extraPorts: [...spec.extraPorts, { containerPort: plan.containerPort, hostPort: plan.hostPort }] };
    this.gate = deferred();
    this.published = deferred<number>();
    this.watchDebugger();
    return spec;
  }

  /**
   * The host's backend, noting the debugger's port as published: docker falls back to a free port when the
   * planned one was taken since planDebug, and the probe and the attach configuration must use the real one.
   * (Instance.address has it too, but only once the server is ready, which stopOnEntry holds until attach.)
   */
  private backend(spec: RunSpec): Backend {
    const inner = backendFor(spec);
    const index = spec.extraPorts.findIndex((p) => p.containerPort === this.plan.containerPort);
    const published = this.published;
    return {
      start: async (s, io) => {
        const server = await inner.start(s, io);
        published.resolve(server.extraHostPorts[index] ?? this.plan.hostPort);
        return server;
      },
    };
  }

  private watchDebugger(): void {
    const { plan, fn } = this;
    const subscribe = (listener: (text: string) => void) => {
      const onLog = (line: LogLine) => line.stream !== 'system' && listener(line.text);
      this.instance.on('log', onLog);
      return () => this.instance.off('log', onLog);
    };
    const abandoned = new Promise<never>((_, reject) => {
      const onState = (state: string) => {
        if (state !== 'crashed' && state !== 'stopped') return;
        this.instance.off('state', onState);
        const lastError = [...this.instance.logs()].reverse().find((l) => l.stream === 'system' && l.level === 'error');
        reject(new FcboxError('DebuggerNotReady', `the instance stopped before its ${plan.language} debugger listened`, undefined, lastError?.text));
      };
      this.instance.on('state', onState);
    });
    abandoned.catch(() => undefined);
    const port = this.published.promise;
    waitForDebugger({ profile: plan.profile, port, subscribe, abandoned, timeoutMs: this.args.debuggerTimeout ?? DEFAULT_DEBUGGER_TIMEOUT_MS }).then(
      (hostPort) => {
        if (hostPort !== plan.hostPort) this.emit('log', systemLine(`the debugger's port ${plan.hostPort} was taken; it is published on 127.0.0.1:${hostPort}`));
        const configuration = plan.profile.attachConfiguration({
          name: `${fn.name} (${plan.language})`,
          port: hostPort,
          localRoot: plan.localRoot,
          remoteRoot: plan.remoteRoot,
          stopOnEntry: !!this.args.stopOnEntry,
        });
        this.emit('attach', { language: plan.language, configuration });
      },
      (e: FcboxError) => {
        if (!this.stopped) this.emit('error', e);
      },
    );
  }
}

/**
 * Language, ports and path mapping for a launch. Side effects: reads the bootstrap script and inspects the image
 * (through `services`), and asks the OS for a free port.
 */
export async function planDebug(fn: FunctionSpec, args: LaunchArguments, services: DebuggeeServices = nodeServices): Promise<DebugPlan> {
  const probeSpec = buildRunSpec(fn, { backend: args.backend ?? 'auto', instanceId: 'plan' });
  const backend = probeSpec.backend;
  const container = backend === 'docker' && !isCustomRuntime(fn);
  const image = container && fn.image ? await services.inspectImage(fn.image) : undefined;
  const imageCommand = image && probeSpec.argv === undefined && probeSpec.entrypoint === undefined ? [...image.entrypoint, ...image.cmd] : undefined;
  let command = imageCommand ?? commandOf(probeSpec);
  const bootstrap = probeSpec.bootstrapPath ? await services.readFile(probeSpec.bootstrapPath) : undefined;
  const language = args.language && args.language !== 'auto' ? args.language : detectLanguage(command, fn.runtime, bootstrap);
  const profile = profileFor(language);
  if (language === 'node') assertNodeServerCommand(runtimeExecutable(command, bootstrap), command);
  const scripted = language === 'python' && !runsPython(command) && bootstrap !== undefined ? pythonCommandOfScript(bootstrap) : undefined;
  if (scripted) command = scripted;

  if (args.debugPort !== undefined && !(await portIsFree(args.debugPort))) {
    throw new FcboxError('PortInUse', `debugPort ${args.debugPort} is already in use`, 'choose another "debugPort" or leave it out for a free one');
  }
  const hostPort = args.debugPort ?? (await freePort());
  const codeDir = fn.codeDir ?? path.dirname(fn.projectFile);
  const localRoot = args.localRoot ?? codeDir;
  // Process mode runs the code where it is; a custom runtime container mounts it at /code; a custom container
  // has its code wherever its image put it, most often its WorkingDir (design.md §4).
  const remoteRoot = args.remoteRoot ?? (backend === 'process' ? codeDir : isCustomRuntime(fn) ? CODE_MOUNT : image?.workingDir ?? '/');
  return {
    language,
    profile,
    backend,
    containerPort: backend === 'docker' ? profile.containerPort : hostPort,
    hostPort,
    localRoot,
    remoteRoot,
    command: imageCommand || scripted ? command : undefined,
  };
}

/** The `invoke` arguments as a host InvokeRequest: an event (inline or from a file) or an HTTP request. */
export async function invokeRequest(fn: FunctionSpec, args: InvokeArguments, services: Pick<DebuggeeServices, 'readFile'>): Promise<InvokeRequest> {
  if (fn.kind === 'http') {
    return { method: args.method ?? 'GET', path: args.path ?? '/', headers: args.headers ?? {}, body: Buffer.from(args.body ?? '') };
  }
  if (args.eventFile) {
    const file = path.resolve(path.dirname(fn.projectFile), args.eventFile);
    const text = await services.readFile(file);
    if (text === undefined) throw new FcboxError('EventFileNotFound', `cannot read the event file: ${file}`, 'fix "invoke.eventFile" (relative to the s.yaml directory)');
    return { body: Buffer.from(text) };
  }
  const event = args.event ?? '';
  return { body: Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)) };
}

function systemLine(text: string): LogLine {
  return { time: Date.now(), stream: 'system', level: 'warning', text };
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
