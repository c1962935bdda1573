import * as path from 'path';
import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../debug/configuration';
import { formatLogLine, Gateway, Instance, type InstanceState, type InvokeRequest, type InvokeResult, type LogLine } from '../host';
import { configurationError, findFunction, FcboxError, type FunctionSpec } from '../spec';
import { debugConfigurationFor } from './debug';
import type { ProjectIndex } from './ProjectIndex';
import { gatewayPort, hostOptions, retainLines } from './settings';

export type Hook = 'initialize' | 'preFreeze' | 'preStop';

/** What the views, lenses and status bar show about one running instance. */
export interface InstanceInfo {
  readonly fn: FunctionSpec;
  readonly state: InstanceState;
  /** What runs it: `pid 4242`, `container 3f2a…` (`starting` before either exists), or `debug session` while the fcbox debug adapter owns it. */
  readonly backend: string;
  readonly port?: number;
  readonly startedAt: number;
  readonly invocations: number;
  readonly debugSession?: vscode.DebugSession;
}

/** One way of reaching an instance: in this process (Run) or through the fcbox debug adapter (Debug). */
export interface RunningInstance extends InstanceInfo {
  invoke(req: InvokeRequest): Promise<InvokeResult>;
  hook(hook: Hook): Promise<InvokeResult | undefined>;
  stop(): Promise<void>;
  /** The instance's own lines, for results and Show Logs; undefined when they go to the Debug Console. */
  logs(): LogLine[] | undefined;
}

/**
 * The instances this window runs, keyed by function id. Run starts a host Instance in the extension host; Debug
 * hands the function to the fcbox debug adapter (it owns that instance) and reaches it with custom requests.
 */
export class InstanceManager implements vscode.Disposable {
  private readonly instances = new Map<string, RunningInstance>();
  private readonly channels = new Map<string, vscode.OutputChannel>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly problems = new vscode.EventEmitter<unknown>();
  /** Failures no command is waiting for (the gateway could not listen): for the one error reporter. */
  readonly onProblem = this.problems.event;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.problems];
  /** Listening while any Run instance is; see refreshGateway. */
  private gateway: Gateway | undefined;
  /** Gateway changes run one at a time, in order. */
  private gatewayQueue: Promise<void> = Promise.resolve();
  /** The gateway's port stays the same once chosen, also when it closes and opens again, so clients keep working. */
  private gatewayPortInUse = 0;
  /** The gateway's failure to listen is shown once, not again at each refresh, until it listens again. */
  private gatewayFailureShown = false;
  /** Ids of fcbox sessions that ended, so one ending while it is being adopted is not listed. */
  private readonly endedSessions = new Set<string>();

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly projects: ProjectIndex,
  ) {
    this.disposables.push(
      // Palette commands that need a running instance (stop, restart, hooks, logs) are shown only when one runs.
      this.onDidChange(() => void vscode.commands.executeCommand('setContext', 'fcbox.hasRunning', this.instances.size > 0)),
      vscode.debug.onDidStartDebugSession((s) => void this.adoptDebugSession(s)),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.type === DEBUG_TYPE) this.endedSessions.add(s.id);
        for (const [id, i] of this.instances) if (i.debugSession?.id === s.id) this.instances.delete(id);
        this.changed.fire();
      }),
    );
  }

  get(functionId: string): RunningInstance | undefined {
    return this.instances.get(functionId);
  }

  all(): RunningInstance[] {
    return [...this.instances.values()];
  }

  /** Starts (or returns) the function's instance; progress is cancellable and cancelling stops it. */
  async run(fn: FunctionSpec): Promise<RunningInstance> {
    const existing = this.instances.get(fn.id);
    if (existing) return existing;
    this.assertRunnable(fn);
    const instance = new Instance(fn, hostOptions(vscode.Uri.file(fn.projectFile)));
    const local = new LocalInstance(fn, instance, () => this.changed.fire());
    const channel = this.channel(fn);
    const limit = retainLines();
    let written = 0;
    instance.on('log', (line) => {
      // An output channel cannot drop old lines; start afresh once it holds the retention limit.
      if (++written > limit) {
        channel.clear();
        written = 1;
      }
      channel.appendLine(formatLogLine(line));
    });
    instance.on('state', () => {
      if (instance.state === 'stopped' && this.instances.get(fn.id) === local) {
        this.instances.delete(fn.id);
        this.refreshGateway();
      }
      this.changed.fire();
    });
    this.instances.set(fn.id, local);
    this.changed.fire();
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Starting ${fn.name}`, cancellable: true },
        async (progress, token) => {
          // The backend's notes (image pulls, waiting for the port) are the progress messages.
          const report = (line: LogLine) => line.stream === 'system' && progress.report({ message: line.text });
          instance.on('log', report);
          const cancelled = new Promise<never>((_, reject) => token.onCancellationRequested(() => reject(new vscode.CancellationError())));
          try {
            await Promise.race([instance.start(), cancelled]);
          } finally {
            instance.off('log', report);
          }
        },
      );
    } catch (e) {
      await local.stop();
      this.instances.delete(fn.id);
      this.changed.fire();
      throw e;
    }
    this.log.info(`${fn.name}: ${instance.runSpec?.backend ?? ''} instance ready on 127.0.0.1:${instance.address?.port}`);
    this.refreshGateway();
    return local;
  }

  /**
   * Starts an fcbox debug session for the function; the adapter owns the instance from then on. Progress lasts
   * until the language's debugger is attached (a child session starts) and cancelling it ends the session.
   */
  async debug(fn: FunctionSpec): Promise<void> {
    const running = this.instances.get(fn.id);
    if (running?.debugSession) return;
    this.assertRunnable(fn);
    await this.releaseForDebug(fn);
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(fn.projectFile));
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Debugging ${fn.name}`, cancellable: true },
      async (progress, token) => {
        let parent: vscode.DebugSession | undefined;
        const subscriptions: vscode.Disposable[] = [];
        const attached = new Promise<void>((resolve, reject) => {
          subscriptions.push(
            vscode.debug.onDidStartDebugSession((s) => {
              if (!parent && s.type === DEBUG_TYPE) parent = s;
              else if (parent && s.parentSession?.id === parent.id) resolve();
            }),
            vscode.debug.onDidTerminateDebugSession((s) => s.id === parent?.id && resolve()),
            token.onCancellationRequested(() => {
              if (parent) void vscode.debug.stopDebugging(parent);
              reject(new vscode.CancellationError());
            }),
          );
        });
        // Cancelling before startDebugging returned rejects it before it is awaited; the await below still sees it.
        attached.catch(() => undefined);
        try {
          progress.report({ message: 'starting the instance with its debugger enabled' });
          if (!(await vscode.debug.startDebugging(folder, debugConfigurationFor(fn, this.projects.functions())))) {
            throw new FcboxError('DebugNotStarted', `Could not start a debug session for ${fn.name}.`, 'See the Debug Console and the FC Box output.');
          }
          progress.report({ message: 'waiting for the debugger to attach' });
          await attached;
        } finally {
          vscode.Disposable.from(...subscriptions).dispose();
        }
      },
    );
  }

  private assertRunnable(fn: FunctionSpec): void {
    const problem = configurationError(this.projects.get(fn.projectFile), fn);
    if (problem) throw problem;
  }

  async stop(fn: FunctionSpec): Promise<void> {
    const instance = this.instances.get(fn.id);
    if (!instance) return;
    await instance.stop();
    this.instances.delete(fn.id);
    this.changed.fire();
    this.refreshGateway();
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled(this.all().map((i) => i.stop()));
    this.instances.clear();
    this.changed.fire();
    this.refreshGateway();
    await this.gatewayQueue;
  }

  /** The local FC API for the instances running here (not the debugged ones: their adapter owns them). */
  get gatewayUrl(): string | undefined {
    return this.gateway?.url;
  }

  /**
   * One gateway serves the Run instances (debugged ones live in their adapter and are not served). It opens with
   * the first of them and closes when the last stops, so the port is free while nothing runs; in between,
   * instances are added and removed while it keeps listening, and requests to the other functions are not
   * disturbed. A gateway that could not listen is tried again at the next change.
   */
  private refreshGateway(): void {
    this.gatewayQueue = this.gatewayQueue.then(async () => {
      const members = this.all().flatMap((i) => (i instanceof LocalInstance ? [i.instance] : []));
      const gateway = this.gateway;
      try {
        if (!members.length) {
          if (!gateway) return;
          this.gateway = undefined;
          await gateway.close();
          this.log.info('gateway closed: no function runs');
        } else if (!gateway) {
          const server = new Gateway(members, { port: this.gatewayPortInUse || gatewayPort() });
          try {
            await server.listen();
          } catch (e) {
            // Ports it did open (HTTP functions') are closed again; the instances themselves keep running.
            await server.close().catch(() => undefined);
            throw e;
          }
          this.gatewayPortInUse = Number(new URL(server.url).port);
          this.gateway = server;
          this.logGateway(server);
        } else {
          const leaving = gateway.instances.filter((i) => !members.includes(i));
          const joining = members.filter((i) => !gateway.instances.includes(i));
          if (!leaving.length && !joining.length) return;
          await Promise.all(leaving.map((i) => gateway.remove(i)));
          await Promise.all(joining.map((i) => gateway.add(i)));
          this.logGateway(gateway);
        }
        this.gatewayFailureShown = false;
      } catch (e) {
        this.log.error(`the gateway could not listen: ${e instanceof Error ? e.message : String(e)}`);
        if (!this.gatewayFailureShown) this.problems.fire(e);
        this.gatewayFailureShown = true;
      }
      this.changed.fire();
    });
  }

  private logGateway(gateway: Gateway): void {
    const functionUrls = [...gateway.functionUrls()].map(([id, u]) => `${this.instances.get(id)?.fn.name ?? id} ${u}`);
    this.log.info(`gateway ${gateway.url}${functionUrls.length ? `; HTTP functions: ${functionUrls.join(', ')}` : ''}`);
  }

  showLogs(fn: FunctionSpec): void {
    if (this.instances.get(fn.id)?.debugSession) void vscode.commands.executeCommand('workbench.debug.action.toggleRepl');
    else this.channels.get(fn.id)?.show(true);
  }

  hasLogs(fn: FunctionSpec): boolean {
    return this.channels.has(fn.id) || !!this.instances.get(fn.id)?.debugSession;
  }

  private channel(fn: FunctionSpec): vscode.OutputChannel {
    let channel = this.channels.get(fn.id);
    if (!channel) {
      channel = vscode.window.createOutputChannel(`FC Box: ${fn.name}`, 'fcbox-log');
      this.channels.set(fn.id, channel);
    }
    return channel;
  }

  /** The function a launch configuration (variables substituted) names, if this window knows it. */
  functionOf(configuration: vscode.DebugConfiguration): FunctionSpec | undefined {
    const { project, function: name } = configuration as { project?: unknown; function?: unknown };
    const indexed = typeof project === 'string' && project ? this.projects.get(path.resolve(project)) : undefined;
    try {
      return indexed ? (typeof name === 'string' && name ? findFunction([indexed], name) : indexed.functions[0]) : undefined;
    } catch {
      // An ambiguous name: the adapter reports it; there is no instance to show.
      return undefined;
    }
  }

  /**
   * A debug launch of a function this window runs (F5 after Run) needs its ports: the Run instance stops first.
   * Called before the session starts (the launch resolver) and again when it started, for a Run begun meanwhile.
   */
  async releaseForDebug(fn: FunctionSpec): Promise<void> {
    const running = this.instances.get(fn.id);
    if (running && !running.debugSession) await this.stop(fn);
  }

  private async adoptDebugSession(session: vscode.DebugSession): Promise<void> {
    if (session.type !== DEBUG_TYPE || session.configuration.request !== 'launch') return;
    // session.configuration is the resolved configuration: ${workspaceFolder} and the like are substituted.
    const fn = this.functionOf(session.configuration);
    if (!fn) return;
    try {
      await this.releaseForDebug(fn);
    } catch (e) {
      this.problems.fire(e);
    }
    // It may have ended while the Run instance stopped.
    if (this.endedSessions.has(session.id)) return;
    this.instances.set(fn.id, new DebuggedInstance(fn, session));
    this.changed.fire();
  }

  dispose(): void {
    void this.stopAll();
    for (const c of this.channels.values()) c.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

class LocalInstance implements RunningInstance {
  readonly startedAt = Date.now();
  invocations = 0;

  constructor(
    readonly fn: FunctionSpec,
    readonly instance: Instance,
    private readonly changed: () => void,
  ) {}

  get state(): InstanceState {
    return this.instance.state;
  }

  get backend(): string {
    return this.instance.description ?? this.instance.runSpec?.backend ?? 'starting';
  }

  get port(): number | undefined {
    return this.instance.address?.port;
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const result = await this.instance.invoke(req);
    this.invocations++;
    this.changed();
    return result;
  }

  hook(hook: Hook): Promise<InvokeResult | undefined> {
    return hook === 'initialize' ? this.instance.initialize({ again: true }) : this.instance[hook]();
  }

  stop(): Promise<void> {
    return this.instance.stop();
  }

  logs(): LogLine[] {
    return this.instance.logs();
  }
}

/** The adapter's answer to the `invoke` custom request: an InvokeResult with the body as text (JSON-safe). */
interface WireResult extends Omit<InvokeResult, 'body' | 'error'> {
  body: string;
  bodyEncoding?: 'utf8' | 'base64';
  error?: { code: string; message: string; hint?: string; details?: string };
}

class DebuggedInstance implements RunningInstance {
  readonly startedAt = Date.now();
  readonly backend = 'debug session';
  readonly state: InstanceState = 'ready';
  invocations = 0;

  constructor(
    readonly fn: FunctionSpec,
    readonly debugSession: vscode.DebugSession,
  ) {}

  readonly port = undefined;

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const args = this.fn.kind === 'http'
      ? { method: req.method, path: req.path, headers: req.headers, body: req.body?.toString('utf8') }
      : { event: req.body?.toString('utf8') ?? '' };
    const result = fromWire((await this.debugSession.customRequest('invoke', args)) as WireResult);
    this.invocations++;
    return result;
  }

  async hook(hook: Hook): Promise<InvokeResult | undefined> {
    const res = (await this.debugSession.customRequest(hook)) as WireResult | undefined;
    return res && fromWire(res);
  }

  stop(): Promise<void> {
    return Promise.resolve(vscode.debug.stopDebugging(this.debugSession));
  }

  logs(): undefined {
    return undefined;
  }
}

function fromWire(w: WireResult): InvokeResult {
  return {
    ...w,
    body: Buffer.from(w.body ?? '', w.bodyEncoding ?? 'utf8'),
    logs: w.logs ?? [],
    error: w.error && new FcboxError(w.error.code, w.error.message, w.error.hint, w.error.details),
  };
}
