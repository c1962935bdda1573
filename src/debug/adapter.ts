/**
 * The `fcbox` debug adapter: DAP in front of a Debuggee. It owns the instance's lifecycle and its output; the
 * debugging itself (breakpoints, stepping) is done by a child session of the language's own debugger, which the
 * editor starts from our `fcbox.attach` event (DAP's startDebugging reverse request cannot start another type).
 * No vscode import: it runs inline in the extension host and as dist/debugAdapter.js under DebugClient.
 */
import { DebugSession, Event, Logger, logger, LoggingDebugSession, OutputEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FcboxError, isFcboxError } from '../spec/errors';
import type { FunctionSpec } from '../spec/model';
import type { InvokeResult, LogLine } from '../host/types';
import {
  ATTACH_EVENT,
  AttachArguments,
  AttachedArguments,
  AttachEventBody,
  CUSTOM_REQUESTS,
  CustomRequest,
  InvokeArguments,
  LaunchArguments,
} from './configuration';
import { Debuggee, DebuggeeServices, nodeServices, planDebug } from './debuggee';
import { profileFor } from './profiles';
import { probeUntil } from './readiness';

/** Finds the function a configuration names; the extension passes its already-parsed workspace. */
export type FunctionResolver = (project: string, name: string | undefined) => Promise<FunctionSpec>;

type LaunchRequestArguments = DebugProtocol.LaunchRequestArguments & LaunchArguments;
type AttachRequestArguments = DebugProtocol.AttachRequestArguments & AttachArguments;

const ERROR_ID = 4000;
/** How long an attach waits for a debugger that should already be listening. */
const ATTACH_PROBE_MS = 5000;

export class FcboxDebugSession extends LoggingDebugSession {
  private debuggee?: Debuggee;
  private launchArgs?: LaunchRequestArguments;
  /** Settles when launch (or restart) has started the instance, or failed; custom requests wait for it. */
  private launching: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly resolveFunction: FunctionResolver,
    private readonly services: DebuggeeServices = nodeServices,
  ) {
    super();
  }

  protected initializeRequest(response: DebugProtocol.InitializeResponse): void {
    // No InitializedEvent: breakpoints belong to the child session, so the client has nothing to configure here.
    response.body = { supportsRestartRequest: true, supportsTerminateRequest: true };
    this.sendResponse(response);
  }

  protected async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchRequestArguments): Promise<void> {
    logger.setup(args.trace ? Logger.LogLevel.Verbose : Logger.LogLevel.Stop, false);
    this.launchArgs = args;
    try {
      await (this.launching = this.launch(args));
      this.sendResponse(response);
    } catch (e) {
      await this.stopDebuggee();
      this.fail(response, e);
    }
  }

  /**
   * Attach to a debugger fcbox did not start here (a function run by the CLI or another session): announce the
   * child configuration once the port is ready. The instance is not ours: custom requests are refused and
   * disconnecting leaves it running.
   */
  protected async attachRequest(response: DebugProtocol.AttachResponse, args: AttachRequestArguments): Promise<void> {
    logger.setup(args.trace ? Logger.LogLevel.Verbose : Logger.LogLevel.Stop, false);
    try {
      const profile = profileFor(args.language);
      const fn = args.project ? await this.resolveFunction(args.project, args.function) : undefined;
      const deadline = Date.now() + ATTACH_PROBE_MS;
      if (profile.probe && !(await probeUntil(profile.probe, args.debugPort, () => Date.now() > deadline))) {
        throw new FcboxError('DebuggerNotReady', `no ${args.language} debugger answers on 127.0.0.1:${args.debugPort}`, 'start the function with its debugger on, or fix "debugPort"');
      }
      const localRoot = args.localRoot ?? fn?.codeDir ?? process.cwd();
      const configuration = profile.attachConfiguration({
        name: `${fn?.name ?? 'function'} (${args.language})`,
        port: args.debugPort,
        localRoot,
        remoteRoot: args.remoteRoot ?? localRoot,
        stopOnEntry: false,
      });
      this.sendResponse(response);
      this.sendEvent(new Event(ATTACH_EVENT, { language: args.language, configuration } satisfies AttachEventBody));
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    if (!(CUSTOM_REQUESTS as readonly string[]).includes(command)) return super.customRequest(command, response, args);
    // The editor lists the instance as soon as the session starts, so an invoke can arrive while launch runs.
    await this.launching.catch(() => undefined);
    const debuggee = this.debuggee;
    if (!debuggee) {
      return this.fail(response, new FcboxError('NotLaunched', `"${command}" needs a launched function`, 'use a "launch" configuration; attach sessions do not own the instance'));
    }
    try {
      response.body = await this.serve(debuggee, command as CustomRequest, args);
      this.sendResponse(response);
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.stopDebuggee();
    this.sendResponse(response);
    this.shutdown();
  }

  /** Also reached when the client goes away without disconnecting: the instance must not outlive the session. */
  shutdown(): void {
    void this.stopDebuggee().finally(() => super.shutdown());
  }

  protected async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.stopDebuggee();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  /** Restarts the instance; a new `fcbox.attach` follows, for a new child session. */
  protected async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments | undefined): Promise<void> {
    const config = (args?.arguments as LaunchRequestArguments | undefined) ?? this.launchArgs;
    this.launchArgs = config;
    if (!config || !this.debuggee) return this.fail(response, new FcboxError('NotLaunched', 'only launched functions can be restarted', 'start the session again'));
    try {
      await this.stopDebuggee();
      await (this.launching = this.launch(config));
      this.sendResponse(response);
    } catch (e) {
      this.fail(response, e);
    }
  }

  private async launch(args: LaunchRequestArguments): Promise<void> {
    const fn = await this.resolveFunction(args.project, args.function);
    const plan = await planDebug(fn, args, this.services);
    const debuggee = new Debuggee(fn, args, plan, this.services);
    this.debuggee = debuggee;
    debuggee.on('log', (line) => this.sendEvent(outputOf(line)));
    debuggee.on('attach', (body) => this.sendEvent(new Event(ATTACH_EVENT, body)));
    this.output(`fcbox: debugging ${fn.name} with the ${plan.language} debugger on 127.0.0.1:${plan.hostPort} (${plan.backend})\n`);
    const { started } = await debuggee.start();
    // From here on (a restarted instance's debugger), readiness failures are reported here; the first one fails launch.
    debuggee.on('error', (e) => this.output(`${e.message}\n${[e.hint, e.details].filter(Boolean).join('\n')}\n`, 'stderr'));
    started.catch((e: unknown) => {
      if (debuggee !== this.debuggee) return;
      const err = asFcboxError(e);
      this.output(`${err.code}: ${err.message}\n${err.hint ?? ''}\n`, 'stderr');
      this.sendEvent(new TerminatedEvent());
    });
    if (args.invoke) {
      const request = args.invoke;
      void Promise.all([debuggee.whenAttached, started])
        .then(() => this.serve(debuggee, 'invoke', request))
        .catch(() => undefined);
    }
  }

  private async serve(debuggee: Debuggee, command: CustomRequest, args: unknown): Promise<unknown> {
    switch (command) {
      case 'attached': {
        const { error, note } = (args ?? {}) as AttachedArguments;
        debuggee.attached();
        if (note) this.output(`fcbox: ${note}\n`, 'stderr');
        if (error) {
          this.output(`fcbox: the ${debuggee.plan.language} debugger could not attach: ${error}\n`, 'stderr');
          this.sendEvent(new TerminatedEvent());
        }
        return undefined;
      }
      case 'invoke':
        return this.report('invoke', await debuggee.invoke((args ?? {}) as InvokeArguments));
      case 'initialize':
        return this.report('initialize', await debuggee.instance.initialize({ again: true }));
      case 'preFreeze':
        return this.report('preFreeze', await debuggee.instance.preFreeze());
      case 'preStop':
        return this.report('preStop', await debuggee.instance.preStop());
    }
  }

  /** Shows the result in the debug console and returns it as the response body (the body as text when it is). */
  private report(what: string, result: InvokeResult | undefined): unknown {
    if (!result) {
      this.output(`fcbox: ${what}: nothing to call (not configured for this function, already done, or the instance is not running)\n`);
      return undefined;
    }
    const body = result.body.toString('utf8');
    const status = result.error ? `${result.error.code}: ${result.error.message}` : `status ${result.status}${result.functionError ? ' (function error)' : ''}`;
    this.output(`fcbox: ${what} ${result.requestId}: ${status} in ${result.durationMs} ms\n${body ? `${body}\n` : ''}`, result.error || result.functionError ? 'stderr' : 'console');
    return {
      requestId: result.requestId,
      status: result.status,
      headers: result.headers,
      body,
      durationMs: result.durationMs,
      functionError: result.functionError,
      error: result.error && { code: result.error.code, message: result.error.message, hint: result.error.hint },
    };
  }

  private async stopDebuggee(): Promise<void> {
    const debuggee = this.debuggee;
    if (!debuggee) return;
    this.debuggee = undefined;
    await debuggee.stop(this.launchArgs?.preStopOnExit ?? true);
  }

  private output(text: string, category: 'console' | 'stdout' | 'stderr' = 'console'): void {
    this.sendEvent(new OutputEvent(text, category));
  }

  private fail(response: DebugProtocol.Response, e: unknown): void {
    const err = asFcboxError(e);
    const text = [err.message, err.hint, err.details].filter(Boolean).join('\n');
    this.sendErrorResponse(response, { id: ERROR_ID, format: text.replace(/[{}]/g, ''), showUser: true });
  }
}

/** stdout/stderr as the function printed them; fcbox's own lines go to the console. The request id rides in `data`. */
function outputOf(line: LogLine): DebugProtocol.OutputEvent {
  const category = line.stream === 'system' ? 'console' : line.stream;
  const event = new OutputEvent(`${line.stream === 'system' ? 'fcbox: ' : ''}${line.text}\n`, category, line.requestId ? { requestId: line.requestId } : undefined);
  return event as DebugProtocol.OutputEvent;
}

function asFcboxError(e: unknown): FcboxError {
  return isFcboxError(e) ? e : new FcboxError('InternalError', (e as Error).message ?? String(e), 'this is a bug in fcbox; please report it');
}

/** Runs the adapter over stdin/stdout (dist/debugAdapter.js). */
export function runStandalone(resolveFunction: FunctionResolver): void {
  DebugSession.run(
    class extends FcboxDebugSession {
      constructor() {
        super(resolveFunction);
      }
    },
  );
}
