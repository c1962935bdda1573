/**
 * The `fcbox` debug adapter: DAP in front of a Debuggee. It owns the instance's lifecycle and its output; the
 * debugging itself (breakpoints, stepping) is done by a child session of the language's own debugger, which the
 * editor starts from our `fcbox.attach` event (DAP's startDebugging reverse request cannot start another type).
 * No vscode import: it runs inline in the extension host and as dist/debugAdapter.js under DebugClient.
 */
import { DebugSession, Event, Logger, logger, LoggingDebugSession, OutputEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { isUtf8 } from 'node:buffer';
import { asFcboxError, FcboxError } from '../spec/errors';
import type { FunctionSpec } from '../spec/model';
import type { InvokeResult, LogLine } from '../host';
import {
  ATTACH_EVENT,
  AttachArguments,
  AttachedArguments,
  AttachEventBody,
  CUSTOM_REQUESTS,
  CustomRequest,
  DebugLanguage,
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
    // A client may send no arguments at all (DAP leaves them optional): that is a configuration error, not a crash.
    args ??= {} as LaunchRequestArguments;
    logger.setup(args.trace ? Logger.LogLevel.Verbose : Logger.LogLevel.Stop, false);
    this.launchArgs = args;
    try {
      validateLaunch(args);
      await (this.launching = this.launch(args));
      this.sendResponse(response);
    } catch (e) {
      await this.stopQuietly();
      this.fail(response, e);
    }
  }

  /**
   * Attach to a debugger fcbox did not start here (a function run by the CLI or another session): announce the
   * child configuration once the port is ready. The instance is not ours: custom requests are refused and
   * disconnecting leaves it running.
   */
  protected async attachRequest(response: DebugProtocol.AttachResponse, args: AttachRequestArguments): Promise<void> {
    args ??= {} as AttachRequestArguments;
    logger.setup(args.trace ? Logger.LogLevel.Verbose : Logger.LogLevel.Stop, false);
    try {
      validateAttach(args);
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
    await this.stopQuietly();
    this.sendResponse(response);
    this.shutdown();
  }

  /** Also reached when the client goes away without disconnecting: the instance must not outlive the session. */
  shutdown(): void {
    void this.stopQuietly().finally(() => super.shutdown());
  }

  protected async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.stopQuietly();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  /** Restarts the instance; a new `fcbox.attach` follows, for a new child session. */
  protected async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments | undefined): Promise<void> {
    const config = (args?.arguments as LaunchRequestArguments | undefined) ?? this.launchArgs;
    this.launchArgs = config;
    if (!config || !this.debuggee) return this.fail(response, new FcboxError('NotLaunched', 'only launched functions can be restarted', 'start the session again'));
    try {
      validateLaunch(config);
      await this.stopDebuggee();
      await (this.launching = this.launch(config));
      this.sendResponse(response);
    } catch (e) {
      // Nothing is left to debug: a half-started instance must not outlive the failed restart, nor the session it.
      await this.stopQuietly();
      this.fail(response, e);
      this.sendEvent(new TerminatedEvent());
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
      this.outputError(e);
      this.sendEvent(new TerminatedEvent());
    });
    if (args.invoke) {
      const request = args.invoke;
      // A failed start is reported above; what fails here is the configured invoke itself (an event file not found).
      void Promise.all([debuggee.whenAttached, started]).then(
        () => this.serve(debuggee, 'invoke', request).catch((e: unknown) => this.outputError(e, 'the configured invoke failed: ')),
        () => undefined,
      );
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
    // DAP is JSON: a body that is not UTF-8 text (an image, a protobuf) travels as base64, and says so.
    const text = isUtf8(result.body);
    const shown = text ? result.body.toString('utf8') : `(${result.body.length} bytes of binary data)`;
    const status = result.error ? `${result.error.code}: ${result.error.message}` : `status ${result.status}${result.functionError ? ' (function error)' : ''}`;
    this.output(`fcbox: ${what} ${result.requestId}: ${status} in ${result.durationMs} ms\n${shown ? `${shown}\n` : ''}`, result.error || result.functionError ? 'stderr' : 'console');
    return {
      requestId: result.requestId,
      status: result.status,
      headers: result.headers,
      body: result.body.toString(text ? 'utf8' : 'base64'),
      bodyEncoding: text ? 'utf8' : 'base64',
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

  /** Stops the instance; a failure to stop is reported, never thrown, so the request that asked still gets its answer. */
  private async stopQuietly(): Promise<void> {
    try {
      await this.stopDebuggee();
    } catch (e) {
      this.outputError(e, 'could not stop the instance: ');
    }
  }

  private output(text: string, category: 'console' | 'stdout' | 'stderr' = 'console'): void {
    this.sendEvent(new OutputEvent(text, category));
  }

  private outputError(e: unknown, prefix = ''): void {
    const err = asFcboxError(e);
    this.output(`fcbox: ${prefix}${err.code}: ${err.message}\n${[err.hint, err.details].filter(Boolean).map((l) => `${l}\n`).join('')}`, 'stderr');
  }

  private fail(response: DebugProtocol.Response, e: unknown): void {
    const err = asFcboxError(e);
    const text = [err.message, err.hint, err.details].filter(Boolean).join('\n');
    // The format string's {name} are placeholders: the text goes in as a variable so braces in it (JSON) survive.
    this.sendErrorResponse(response, { id: ERROR_ID, format: '{_t}', variables: { _t: text }, showUser: true });
  }
}

const LANGUAGES: readonly DebugLanguage[] = ['node', 'python', 'java'];

/** Arguments VS Code checks against the schema only when they come from launch.json; the adapter checks them all. */
function validateLaunch(args: Partial<LaunchArguments>): asserts args is LaunchArguments {
  if (typeof args.project !== 'string' || !args.project) {
    throw new FcboxError('InvalidDebugConfiguration', 'the launch configuration has no "project"', 'set "project" to the s.yaml declaring the function, e.g. "${workspaceFolder}/s.yaml"');
  }
  if (args.language !== undefined && args.language !== 'auto' && !LANGUAGES.includes(args.language)) {
    throw new FcboxError('InvalidDebugConfiguration', `"language" must be auto, node, python or java, not ${JSON.stringify(args.language)}`, 'fix "language", or leave it out to read it from the start command');
  }
  if (args.debugPort !== undefined) validatePort(args.debugPort, 'leave it out for a free one');
}

function validateAttach(args: Partial<AttachArguments>): asserts args is AttachArguments {
  if (!args.language || !LANGUAGES.includes(args.language)) {
    throw new FcboxError('InvalidDebugConfiguration', `an attach configuration needs "language": node, python or java${args.language ? `, not ${JSON.stringify(args.language)}` : ''}`, 'set "language" to the debugger the function runs with');
  }
  if (args.debugPort === undefined) {
    throw new FcboxError('InvalidDebugConfiguration', 'an attach configuration needs "debugPort"', "set \"debugPort\" to the port of the function's debugger on 127.0.0.1");
  }
  validatePort(args.debugPort, "set it to the port of the function's debugger on 127.0.0.1");
  if (args.project !== undefined && (typeof args.project !== 'string' || !args.project)) {
    throw new FcboxError('InvalidDebugConfiguration', '"project" is empty', 'set "project" to the s.yaml declaring the function, or leave it out');
  }
}

function validatePort(port: unknown, fix: string): void {
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
    throw new FcboxError('InvalidDebugConfiguration', `"debugPort" must be a port number (1-65535), not ${JSON.stringify(port)}`, fix);
  }
}

/** stdout/stderr as the function printed them; fcbox's own lines go to the console. The request id rides in `data`. */
function outputOf(line: LogLine): DebugProtocol.OutputEvent {
  const category = line.stream === 'system' ? 'console' : line.stream;
  const event = new OutputEvent(`${line.stream === 'system' ? 'fcbox: ' : ''}${line.text}\n`, category, line.requestId ? { requestId: line.requestId } : undefined);
  return event as DebugProtocol.OutputEvent;
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
