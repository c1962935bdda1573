/**
 * One function instance and its lifecycle as FC drives it (seed 001 §4.6, §6; design.md §2): start → ready →
 * `POST /initialize` once → invocations (at most instanceConcurrency at a time) → `GET /pre-freeze` when idle →
 * `GET /pre-stop` → stop. Emits 'state' (InstanceState) and 'log' (LogLine).
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { FunctionSpec, isCustomRuntime } from '../spec/model';
import { asFcboxError, FcboxError, isFcboxError } from '../spec/errors';
import { Backend, RunningServer } from './backend';
import { DockerBackend } from './dockerBackend';
import { ProcessBackend } from './processBackend';
import { badResponse, checkBootstrap, functionTimeout, instanceStopped, LIMITS, processExited, startFailed, stoppedBeforeReady } from './faults';
import { eventRequest, headerBytes, Hook, hookRequest, httpRequest, isHookRequest, newRequestId, reportsFailure, UpstreamRequest } from './headers';
import { lineSplitter, LogBook } from './logs';
import { waitUntilReady } from './readiness';
import { buildRunSpec, credentialsOf } from './runSpec';
import { Credentials, InstanceOptions, InstanceState, InvokeRequest, InvokeResult, LogLine, RunSpec } from './types';
import { setTimeout as delay } from 'node:timers/promises';

/** The backend for a run specification; embedders may pass their own to Instance. */
export function backendFor(spec: RunSpec): Backend {
  return spec.backend === 'docker' ? new DockerBackend() : new ProcessBackend();
}

interface Running {
  server: RunningServer;
  spec: RunSpec;
  agent: http.Agent;
  /** Keep-alive sockets waiting for the next request, and since when. */
  idleSince: WeakMap<Socket, number>;
  alive: boolean;
  /** The start's: aborted by stop(), so a caller still waiting for the initializer gives up too. */
  life: AbortSignal;
}

export interface InvokeOptions {
  /** HTTP functions: the path prefix the server is told about in `x-fc-base-path` (seed 001 §4.5). */
  basePath?: string;
}

export declare interface Instance {
  on(event: 'state', listener: (state: InstanceState) => void): this;
  on(event: 'log', listener: (line: LogLine) => void): this;
}

export class Instance extends EventEmitter {
  state: InstanceState = 'stopped';
  private readonly book: LogBook;
  private running?: Running;
  private starting?: Promise<Running>;
  /** The current start's, from launch until stop(): aborting it makes a start under way give up and clean up. */
  private life?: AbortController;
  private initializing?: Promise<InvokeResult | undefined>;
  private initialized = false;
  private beforeInitializeDone = false;
  private freezing?: Promise<void>;
  private inFlight = 0;
  private readonly waiting: { resolve: () => void; reject: (e: FcboxError) => void }[] = [];
  /** The stop() under way. */
  private stopping?: Promise<void>;
  /**
   * Counts stop() calls. A call that arrived before a stop (or during it) never starts a server afterwards: it would
   * run untracked by whoever stopped the instance. Only a call made after stop() returned cold-starts it again.
   */
  private epoch = 0;
  private warnedMarkers = false;
  private warnedKeepAlive = false;
  /** Fixed for the instance's life: the x-fc-access-key-* values (placeholders unless configured). */
  private readonly credentials: Credentials;

  constructor(
    readonly fn: FunctionSpec,
    private readonly options: InstanceOptions,
    private readonly makeBackend: (spec: RunSpec) => Backend = backendFor,
  ) {
    super();
    this.book = new LogBook((line) => this.emit('log', line));
    this.credentials = credentialsOf(options);
  }

  /** The run specification of the current (or last) start, after the transform. */
  get runSpec(): RunSpec | undefined {
    return this.running?.spec;
  }

  /** Where the user's server is reachable on 127.0.0.1 while running, and the host ports of RunSpec.extraPorts. */
  get address(): { host: string; port: number; extraPorts: number[] } | undefined {
    const s = this.running?.server;
    return s && { host: s.host, port: s.port, extraPorts: s.extraHostPorts };
  }

  /** What runs the current instance, e.g. `pid 4242` or `container 3f2a…`; undefined while stopped. */
  get description(): string | undefined {
    return this.running?.server.description;
  }

  logs(): LogLine[] {
    return this.book.all();
  }

  /** Starts the server, waits until it is ready and runs the initializer (if configured). Rejects with FcboxError. */
  async start(): Promise<void> {
    if (this.stopping) await this.refuseWhileStopping();
    const r = await this.ensureStarted(this.epoch);
    const init = await this.initialize();
    // Stopped while the initializer ran: its broken connection is not the server's fault.
    if (r.life.aborted) throw r.life.reason;
    if (init?.error) throw init.error;
  }

  /**
   * `POST /initialize` exactly once per instance, however many callers ask at the same time (seed 001 §4.6).
   * `again` is a developer asking explicitly (the Initialize lens, the debug adapter's `initialize` request): the
   * platform never repeats it, but re-running an initializer under work without a restart is what they want.
   */
  async initialize(options: { again?: boolean } = {}): Promise<InvokeResult | undefined> {
    if (options.again && this.initialized && this.running && this.fn.initializer) return this.hook('initialize', this.fn.initializer.timeout);
    if (!this.needsInitializer()) return undefined;
    this.initializing ??= this.runInitializer().finally(() => (this.initializing = undefined));
    return this.initializing;
  }

  private needsInitializer(): boolean {
    return !!this.fn.initializer && this.fn.platform !== 'scf' && !this.initialized;
  }

  async preFreeze(): Promise<InvokeResult | undefined> {
    return this.fn.preFreeze && this.running ? this.hook('pre-freeze', this.fn.preFreeze.timeout) : undefined;
  }

  async preStop(): Promise<InvokeResult | undefined> {
    return this.fn.preStop && this.running ? this.hook('pre-stop', this.fn.preStop.timeout) : undefined;
  }

  /**
   * One invocation, cold-starting the instance if needed. Resolves with the platform's error in `error` rather
   * than rejecting, so every caller answers with the same request id and logs.
   */
  async invoke(req: InvokeRequest, options: InvokeOptions = {}): Promise<InvokeResult> {
    const requestId = req.requestId ?? newRequestId();
    const t0 = Date.now();
    try {
      if (this.stopping) await this.refuseWhileStopping();
      // A warm instance with a free slot goes straight to the exchange: the lifecycle awaits below cost a promise
      // and a microtask each on every call, for nothing once the instance is up and initialized.
      if (!this.tryAcquire()) await this.acquire();
    } catch (e) {
      return this.failed(requestId, t0, asFcboxError(e));
    }
    const epoch = this.epoch;
    try {
      if (!this.running || this.freezing || this.needsInitializer()) {
        try {
          await this.ensureStarted(epoch);
          if (this.freezing) {
            await this.freezing;
            // A pre-freeze that timed out recycled the instance; a stop() meanwhile refuses (ensureStarted).
            await this.ensureStarted(epoch);
          }
          const init = await this.initialize();
          if (init?.error || init?.functionError) return { ...init, requestId, durationMs: Date.now() - t0 };
        } catch (e) {
          return this.failed(requestId, t0, asFcboxError(e));
        }
      }
      this.setState('busy');
      const c = this.credentials;
      const upstream =
        this.fn.kind === 'http' ? httpRequest(this.fn, requestId, req, c, options.basePath) : eventRequest(this.fn, requestId, req.body ?? Buffer.alloc(0), c);
      return await this.send(upstream, requestId, this.invocationTimeoutMs());
    } finally {
      this.release();
    }
  }

  /**
   * Runs pre-stop (bounded by its timeout; skipped with `preStop: false`, as a debug session may ask) and stops
   * the server; nothing is left running afterwards. Invocations waiting for a slot resolve with InstanceStopped at
   * once; those (and start() calls) arriving while stop() runs wait for it, then get InstanceStopped too. Nothing
   * started before stop() returned restarts the server: the next invoke() or start() after it does.
   */
  stop(options: { preStop?: boolean } = {}): Promise<void> {
    this.stopping ??= this.stopNow(options).finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async stopNow(options: { preStop?: boolean }): Promise<void> {
    this.epoch++;
    for (const w of this.waiting.splice(0)) w.reject(instanceStopped(this.fn.name));
    // A start under way gives up instead of being waited for: a server held by --inspect-brk, or a debugger
    // nobody attaches to, would otherwise keep stop() waiting until the start deadline.
    this.life?.abort(stoppedBeforeReady(this.fn.name));
    this.life = undefined;
    const pending = this.starting;
    if (pending) await pending.catch(() => undefined);
    const r = this.running;
    if (!r) return this.setState('stopped');
    if (r.alive && options.preStop !== false) {
      const res = await this.preStop();
      if (res?.error || res?.functionError) this.book.system(`pre-stop failed: ${res.error?.message ?? `status ${res.status}`}`, 'warning');
    }
    await this.kill(r);
    this.setState('stopped');
  }

  /** A call that arrived during stop(): it waits for the stop to finish, then refuses (see stop()). */
  private async refuseWhileStopping(): Promise<never> {
    await this.stopping;
    throw instanceStopped(this.fn.name);
  }

  // ---- lifecycle ----

  /** The running server, started if needed, unless stop() was called since `epoch` was read. */
  private async ensureStarted(epoch: number): Promise<Running> {
    if (this.running) return this.running;
    if (this.stopping || epoch !== this.epoch) throw instanceStopped(this.fn.name);
    if (!this.starting) {
      const life = new AbortController();
      this.life = life;
      this.starting = this.launch(life.signal).finally(() => (this.starting = undefined));
    }
    return this.starting;
  }

  private async launch(life: AbortSignal): Promise<Running> {
    this.setState('starting');
    this.initialized = false;
    this.beforeInitializeDone = false;
    let spec: RunSpec;
    try {
      spec = buildRunSpec(this.fn, { ...this.options, instanceId: randomUUID() });
      // The transform is the embedder's code (the debugger's): it may hang or throw, and neither may leave the
      // instance 'starting' for good.
      const transform = this.options.transform;
      if (transform) spec = await abortable(Promise.resolve().then(() => transform(spec, this.fn)), life);
    } catch (e) {
      if (life.aborted) return this.stoppedEarly(life);
      return this.startFailed(isFcboxError(e) ? e : startFailed((e as Error)?.message ?? String(e)));
    }
    if (spec.bootstrapPath && isCustomRuntime(this.fn)) {
      const problem = await checkBootstrap(spec.bootstrapPath);
      if (life.aborted) return this.stoppedEarly(life);
      if (problem) return this.startFailed(problem);
    }
    const outputs = {
      stdout: lineSplitter((t) => this.book.add('stdout', t)),
      stderr: lineSplitter((t) => this.book.add('stderr', t)),
    };
    let server: RunningServer;
    try {
      server = await this.makeBackend(spec).start(spec, {
        output: (stream, chunk) => outputs[stream](chunk),
        progress: (message) => this.book.system(message),
        signal: life,
      });
    } catch (e) {
      if (life.aborted) return this.stoppedEarly(life);
      return this.startFailed(asFcboxError(e));
    }
    if (life.aborted) {
      await this.stopQuietly(server);
      return this.stoppedEarly(life);
    }
    this.book.system(`started ${this.fn.name} (${server.description}, ${spec.backend})`);
    const running: Running = { server, spec, agent: new http.Agent({ keepAlive: true }), idleSince: new WeakMap(), alive: true, life };
    this.watchKeepAlive(running);
    void server.exited.then((exit) => {
      running.alive = false;
      running.agent.destroy();
      if (this.running !== running) return;
      // A crashed container is still there to be removed.
      void this.stopQuietly(server, 'remove');
      this.running = undefined;
      this.book.system(`${this.fn.name} exited (${exit.error ?? (exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`)}); it restarts on the next invocation`, 'error');
      this.setState('crashed');
    });
    const t0 = Date.now();
    try {
      await waitUntilReady(server, spec, this.fn.platform, () => this.book.all(), life);
    } catch (e) {
      await this.stopQuietly(server);
      if (life.aborted) return this.stoppedEarly(life);
      return this.startFailed(asFcboxError(e));
    }
    if (life.aborted) {
      await this.stopQuietly(server);
      return this.stoppedEarly(life);
    }
    // What the server printed while starting ("listening on 9000") may still sit in the pipe; a line read after the
    // first request begins would be attributed to it by timing. One poll of the event loop (≤ 1 ms) reads it first.
    await delay(1);
    this.running = running;
    this.book.system(`ready after ${Date.now() - t0} ms: the server accepts connections (reached at ${server.host}:${server.port})`);
    this.setState('ready');
    return running;
  }

  /** stop() came first: nothing is left running, and the start's callers learn why it never became ready. */
  private stoppedEarly(life: AbortSignal): never {
    const error = life.reason as FcboxError;
    this.book.system(error.message, 'info');
    this.setState('stopped');
    throw error;
  }

  private startFailed(error: FcboxError): never {
    this.book.system(`${error.code}: ${error.message}`, 'error');
    this.setState('crashed');
    throw error;
  }

  /** Stops a server on a path that is already failing or ending: a failure to stop it is a warning, not a throw. */
  private stopQuietly(server: RunningServer, verb: 'stop' | 'remove' = 'stop'): Promise<void> {
    return server.stop().catch((e: unknown) => this.book.system(`cannot ${verb} ${server.description}: ${(e as Error).message}`, 'warning'));
  }

  private async kill(r: Running): Promise<void> {
    if (this.running === r) this.running = undefined;
    await r.server.stop();
    r.agent.destroy();
  }

  private async runInitializer(): Promise<InvokeResult | undefined> {
    const r = await this.ensureStarted(this.epoch);
    if (!this.beforeInitializeDone && this.options.beforeInitialize) {
      const gate = this.options.beforeInitialize;
      // A debugger that never attaches must not hold start() past stop().
      await abortable(Promise.resolve().then(gate), r.life);
      this.beforeInitializeDone = true;
    }
    if (this.initialized || this.running !== r) return undefined;
    const res = await this.hook('initialize', (this.fn.initializer as { timeout: number }).timeout);
    // Seed 001 §6: the platform retries a failed initializer until it succeeds, before any handler runs.
    if (!res.error && !res.functionError) this.initialized = true;
    else this.book.system(`initializer failed (${res.error?.message ?? `status ${res.status}`}); it runs again on the next invocation`, 'error');
    return res;
  }

  private async hook(hook: Hook, timeoutSeconds: number): Promise<InvokeResult> {
    const requestId = newRequestId();
    const req = hookRequest(this.fn, hook, requestId, this.credentials);
    // invocationTimeoutMs 0 means a debugger may hold the server paused, so the initializer must not time out
    // either. pre-freeze and pre-stop keep theirs: stop() and disconnecting wait for them, and a server that never
    // answers /pre-stop must not hang them.
    const unbounded = this.options.invocationTimeoutMs === 0 && hook === 'initialize';
    return this.send(req, requestId, unbounded ? 0 : timeoutSeconds * 1000);
  }

  private invocationTimeoutMs(): number {
    return this.options.invocationTimeoutMs ?? this.fn.timeout * 1000;
  }

  // ---- concurrency: at most instanceConcurrency invocations in flight, the rest wait in order ----

  /** Takes a slot when one is free. */
  private tryAcquire(): boolean {
    if (this.inFlight >= Math.max(1, this.fn.instanceConcurrency)) return false;
    this.inFlight++;
    return true;
  }

  /** Waits for a slot: release() hands its slot straight to the first waiter, so later arrivals cannot overtake. */
  private acquire(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) return next.resolve();
    this.inFlight--;
    if (this.inFlight > 0 || !this.running || this.stopping) return;
    if (this.fn.preFreeze && this.fn.platform !== 'scf') {
      // Seed 001 §6.1: PreFreeze runs each time the platform freezes an idle instance.
      this.freezing = this.preFreeze()
        .then((res) => {
          if (res?.error || res?.functionError) this.book.system(`pre-freeze failed: ${res.error?.message ?? `status ${res.status}`}`, 'warning');
          if (this.running && this.inFlight === 0) this.setState('frozen');
        })
        // Nobody may await this promise (no further invocation): it must not reject.
        .catch((e: unknown) => this.book.system(`pre-freeze failed: ${(e as Error).message}`, 'warning'))
        .finally(() => (this.freezing = undefined));
    } else {
      this.setState('ready');
    }
  }

  // ---- the HTTP exchange with the user's server ----

  private async send(req: UpstreamRequest, requestId: string, timeoutMs: number): Promise<InvokeResult> {
    const t0 = Date.now();
    const r = this.running;
    if (!r) return this.failed(requestId, t0, processExited(this.book.all()));
    this.book.begin(requestId);
    try {
      const res = await exchange(r, req, timeoutMs);
      const isHook = isHookRequest(req);
      if (!isHook) await this.book.settle(requestId);
      const kind = isHook || req.path === '/invoke' || req.path === '/event-invoke' ? 'event' : this.fn.kind;
      const result: InvokeResult = {
        requestId,
        status: res.status,
        headers: res.headers,
        body: res.body,
        durationMs: Date.now() - t0,
        logs: this.book.linesFor(requestId),
        functionError: reportsFailure(res.status, res.headers, kind),
      };
      if (res.headerBytes > LIMITS.responseHeaderBytes) {
        result.error = badResponse(`response headers are ${res.headerBytes} bytes, over the 4 KB limit`);
      }
      this.checkMarkers(requestId, req);
      return result;
    } catch (e) {
      if ((e as Error).message === TIMED_OUT) {
        this.book.system(`${requestId} timed out after ${timeoutMs} ms; recycling the instance`, 'error', requestId);
        await this.kill(r).catch((err: unknown) => this.book.system(`cannot stop ${r.server.description}: ${(err as Error).message}`, 'warning'));
        // Not 'stopped': that is a user's stop (the editor drops the instance); a recycled one restarts on demand.
        this.setState('crashed');
        return { ...this.failed(requestId, t0, functionTimeout(timeoutMs / 1000, this.book.linesFor(requestId))), functionError: true };
      }
      // The connection broke: the server died or closed it mid-request (seed 001 §7.2.7, §7.2.9). Give the
      // backend a moment to report the exit (docker's wait lags the socket), so the next call restarts it.
      await Promise.race([r.server.exited, delay(1000)]);
      return this.failed(requestId, t0, processExited(this.book.all()));
    } finally {
      this.book.end(requestId);
    }
  }

  private failed(requestId: string, t0: number, error: FcboxError): InvokeResult {
    return { requestId, status: 0, headers: {}, body: Buffer.alloc(0), durationMs: Date.now() - t0, logs: this.book.linesFor(requestId), error, functionError: false };
  }

  /**
   * Seed 001 "Function log formats": Start/End markers are required to attribute logs to requests. Judged a moment
   * later, because the marker can arrive after the response.
   */
  private checkMarkers(requestId: string, req: UpstreamRequest): void {
    if (this.warnedMarkers || this.fn.platform === 'scf' || req.path !== '/invoke') return;
    setTimeout(() => {
      if (this.warnedMarkers || this.book.printedMarkers(requestId)) return;
      this.warnedMarkers = true;
      this.book.system(
        `the server printed no "FC Invoke Start RequestId: ${requestId}" / "FC Invoke End RequestId: …" lines; ` +
          'print them (the id is in the x-fc-request-id header) so logs can be matched to requests',
        'warning',
        requestId,
      );
    }, MARKER_GRACE_MS).unref();
  }

  /**
   * Seed 001 §7.2.9: the platform keeps connections idle for minutes; a server that closes idle keep-alive
   * connections sooner makes deployed calls fail with 502 "Process exited unexpectedly before completing request".
   */
  private watchKeepAlive(r: Running): void {
    const watched = new WeakSet<Socket>();
    r.agent.on('free', (socket: Socket) => {
      r.idleSince.set(socket, Date.now());
      if (watched.has(socket)) return;
      watched.add(socket);
      socket.once('close', () => {
        const since = r.idleSince.get(socket);
        if (since === undefined || this.warnedKeepAlive) return;
        const idleMs = Date.now() - since;
        // A dying server closes its sockets too; only a server still alive a moment later closed it on purpose.
        setTimeout(() => {
          if (!r.alive || this.warnedKeepAlive || idleMs >= LIMITS.keepAliveIdleMs) return;
          this.warnedKeepAlive = true;
          this.book.system(
            `the server closed an idle keep-alive connection after ${(idleMs / 1000).toFixed(1)} s; Function Compute needs at least 15 min ` +
              '(Node: server.keepAliveTimeout = 0; uvicorn: --timeout-keep-alive), or deployed calls fail with 502',
            'warning',
          );
        }, 100);
      });
    });
  }

  private setState(state: InstanceState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }
}

const TIMED_OUT = 'fcbox: invocation timed out';
/** How long after a response its Start marker may still arrive (docker's log stream lags). */
const MARKER_GRACE_MS = 300;

interface Exchange {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  headerBytes: number;
}

function exchange(r: Running, req: UpstreamRequest, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    // The request's headers are built for this one call (headers.ts), so no copy is needed to add the length.
    req.headers['content-length'] = String(req.body.length);
    const out = http.request(
      { host: r.server.host, port: r.server.port, method: req.method, path: req.path, headers: req.headers, agent: r.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string | string[]>, body: Buffer.concat(chunks), headerBytes: headerBytes(res.rawHeaders) });
        });
      },
    );
    out.on('socket', (s: Socket) => r.idleSince.delete(s));
    const timer = timeoutMs > 0 ? setTimeout(() => out.destroy(new Error(TIMED_OUT)), timeoutMs) : undefined;
    out.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    out.end(req.body);
  });
}

/** `p`, or the signal's reason as soon as it is aborted; a later rejection of `p` is then nobody's and is dropped. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

