/**
 * The loopback front door emulating FC's APIs for every function of a workspace (design.md §3): InvokeFunction
 * (FC 2.0 and 3.0), HTTP trigger paths, `x-fc-invocation-target`, and one custom-domain style port per HTTP
 * function. Requests and responses are checked against the platform's limits (seed 001 §4.5).
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { FcboxError, isFcboxError } from '../spec/errors';
import { qualifiedName } from '../spec/model';
import { preferredPort } from './backend';
import { invalidArgument, LIMITS, STATUS_BY_CODE } from './faults';
import { headerBytes, newRequestId } from './headers';
import { Instance, InvokeOptions } from './instance';
import { stablePort } from './runSpec';
import { InvokeResult } from './types';

export interface GatewayOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Give each HTTP function its own stable port serving `/{path}` as a custom domain would (default true). */
  functionPorts?: boolean;
}

type Route =
  | { kind: 'event'; instance: Instance; async: boolean }
  | { kind: 'http'; instance: Instance; path: string; basePath?: string };

/**
 * Seed 001 §4.5: response headers the platform sets itself; ours are recomputed. Headers starting with `x-fc-` cannot
 * be customised either: the platform's own (x-fc-request-id, x-fc-error-type, ...) are ours to set, and x-fc-status
 * is read from the function's response, never passed through.
 */
const RESPONSE_HEADERS_DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'trailer', 'upgrade', 'proxy-authenticate', 'content-length']);
/**
 * The Host names the gateway answers to. A web page can point a host name it controls at 127.0.0.1 (DNS rebinding)
 * and then call the gateway as same-origin and read the answers; its requests still carry that name in Host.
 */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;
const PROXY_PATH = /^\/2016-08-15\/proxy\/([^/]+)\/([^/?]+)(\/[^?]*)?(\?.*)?$/;
const TARGET = /^\/?2016-08-15\/proxy\/([^/]+)\/([^/]+)\/?$/;
const INVOKE_V2 = /^\/2016-08-15\/services\/([^/]+)\/functions\/([^/]+)\/invocations\/?(\?.*)?$/;
const INVOKE_V3 = /^\/2023-03-30\/functions\/([^/]+)\/invocations\/?(\?.*)?$/;
/** X-Fc-Log-Result carries at most the last 4 KB of an invocation's log (seed 001 "Function log formats"). */
const TAIL_BYTES = 4096;

/**
 * Instances come and go while it listens (the editor runs and stops functions one at a time): `add` and `remove`
 * change the routing tables and open or close only that function's own port, so requests to the other functions,
 * in flight or new, are not disturbed.
 */
export class Gateway {
  private readonly members: Instance[];
  private main: http.Server | undefined;
  private mainPort = 0;
  private readonly functionServers = new Map<Instance, { server: http.Server; port: number }>();
  private listening = false;
  /** Per-function ports open and close one change at a time, in order. */
  private portChanges: Promise<void> = Promise.resolve();

  constructor(
    instances: Instance[] = [],
    private readonly options: GatewayOptions = {},
  ) {
    this.members = [...instances];
  }

  get url(): string {
    return `http://127.0.0.1:${this.mainPort}`;
  }

  /** The instances it routes to. */
  get instances(): readonly Instance[] {
    return this.members;
  }

  /** The custom-domain style URL of each HTTP function, by function id. */
  functionUrls(): Map<string, string> {
    return new Map([...this.functionServers].map(([instance, { port }]) => [instance.fn.id, `http://127.0.0.1:${port}`]));
  }

  async listen(): Promise<string> {
    const { server, port } = await this.serve(this.options.port ?? 0, (req) => this.route(req));
    this.main = server;
    this.mainPort = port;
    this.listening = true;
    await this.syncFunctionPorts();
    return this.url;
  }

  /** Routes to the instance from now on; an HTTP function gets its own port once this resolves. */
  add(instance: Instance): Promise<void> {
    if (!this.members.includes(instance)) this.members.push(instance);
    return this.syncFunctionPorts();
  }

  /**
   * Requests for the instance get FunctionNotFound from now on, and its own port is closed; requests already
   * routed to it run to their end unless they came through that port.
   */
  remove(instance: Instance): Promise<void> {
    const at = this.members.indexOf(instance);
    if (at >= 0) this.members.splice(at, 1);
    return this.syncFunctionPorts();
  }

  async close(): Promise<void> {
    this.listening = false;
    await this.portChanges;
    const servers = [...(this.main ? [this.main] : []), ...[...this.functionServers.values()].map((s) => s.server)];
    this.main = undefined;
    this.functionServers.clear();
    await Promise.all(servers.map(closeServer));
  }

  /** Opens the ports of HTTP members that have none and closes those of instances no longer members. */
  private syncFunctionPorts(): Promise<void> {
    const change = this.portChanges.then(async () => {
      for (const [instance, { server }] of this.functionServers) {
        if (this.members.includes(instance)) continue;
        this.functionServers.delete(instance);
        await closeServer(server);
      }
      if (!this.listening || !(this.options.functionPorts ?? true)) return;
      for (const instance of this.members.filter((i) => i.fn.kind === 'http' && !this.functionServers.has(i))) {
        const opened = await this.serve(await preferredPort(stablePort(`${instance.fn.id}#http`)), (req) =>
          this.members.includes(instance) ? { kind: 'http', instance, path: req.url ?? '/' } : this.notFound(instance.fn.name, instance.fn.service),
        );
        this.functionServers.set(instance, opened);
      }
    });
    this.portChanges = change.catch(() => undefined);
    return change;
  }

  private serve(port: number, route: (req: http.IncomingMessage) => Route | FcboxError): Promise<{ server: http.Server; port: number }> {
    const server = http.createServer((req, res) => {
      void this.handle(req, res, route).catch((e: Error) => {
        if (!res.headersSent) sendError(res, newRequestId(), new FcboxError('InternalError', e.message, 'this is a bug in fcbox; please report it'));
      });
    });
    server.keepAliveTimeout = 0;
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'EADDRINUSE'
            ? new FcboxError('PortInUse', `the gateway port is already in use: 127.0.0.1:${port}`, 'stop the program using it, or choose another port (0 picks a free one)')
            : e,
        ),
      );
      server.listen(port, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }));
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, route: (req: http.IncomingMessage) => Route | FcboxError): Promise<void> {
    const requestId = newRequestId();
    const host = req.headers.host ?? '';
    if (!LOOPBACK_HOST.test(host)) {
      req.resume();
      return sendError(
        res,
        requestId,
        new FcboxError(
          'AccessDenied',
          `the gateway answers only requests addressed to 127.0.0.1, localhost or [::1]; the Host header was: ${host || '(none)'}`,
          'call the gateway by a loopback address; other host names are refused so web pages cannot reach it through DNS rebinding',
        ),
      );
    }
    const limit = checkRequestLimits(req);
    if (limit) {
      req.resume();
      return sendError(res, requestId, limit);
    }
    let r: Route | FcboxError;
    try {
      r = route(req);
    } catch (e) {
      // A malformed %-escape in a service or function name (decodePart) is the caller's mistake.
      if (!isFcboxError(e)) throw e;
      r = e;
    }
    if (r instanceof FcboxError) {
      req.resume();
      return sendError(res, requestId, r);
    }
    const body = await readBody(req);
    if (!body) return sendError(res, requestId, invalidArgument('the request body is larger than 6 MB', 'send at most 6 MB (seed 001 §4.5); put large payloads in OSS and pass a reference'), true);
    const tail = String(req.headers['x-fc-log-type'] ?? '').toLowerCase() === 'tail';

    if (r.kind === 'event') {
      if (r.async) {
        // Async: FC acknowledges with 202 and runs the invocation later; its output shows up in the logs.
        res.writeHead(202, { 'x-fc-request-id': requestId, 'content-length': '0' }).end();
        void r.instance.invoke({ body, requestId });
        return;
      }
      const result = await r.instance.invoke({ body, requestId });
      if (result.error) return sendError(res, requestId, result.error, false, result, tail);
      const headers: http.OutgoingHttpHeaders = { 'x-fc-request-id': requestId, 'content-length': String(result.body.length) };
      if (result.headers['content-type']) headers['content-type'] = result.headers['content-type'];
      if (result.functionError) headers['x-fc-error-type'] = 'UnhandledInvocationError';
      if (tail) headers['x-fc-log-result'] = tailOf(result);
      res.writeHead(200, headers).end(result.body);
      return;
    }

    const options: InvokeOptions = { basePath: r.basePath };
    const result = await r.instance.invoke({ method: req.method, path: r.path, headers: req.headers as Record<string, string | string[]>, body, requestId }, options);
    if (result.error) return sendError(res, requestId, result.error, false, result, tail, true);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(result.headers)) if (!RESPONSE_HEADERS_DROPPED.has(k) && !k.startsWith('x-fc-') && v !== undefined) headers[k] = v;
    headers['x-fc-request-id'] = requestId;
    headers['content-length'] = String(result.body.length);
    if (result.functionError) headers['x-fc-error-type'] = 'UnhandledInvocationError';
    if (tail) headers['x-fc-log-result'] = tailOf(result);
    res.writeHead(result.status, headers).end(result.body);
  }

  private route(req: http.IncomingMessage): Route | FcboxError {
    const url = req.url ?? '/';
    const target = req.headers['x-fc-invocation-target'];
    if (typeof target === 'string') {
      // Seed 001 §7.2.8: with the header the server sees the path without the /2016-08-15/proxy prefix.
      const m = TARGET.exec(target);
      if (!m) return invalidArgument(`x-fc-invocation-target "${target}" is not 2016-08-15/proxy/{service}/{function}`, 'use the form 2016-08-15/proxy/SERVICE/FUNCTION');
      const instance = this.find(decodePart(m[2]), decodePart(m[1]));
      return instance instanceof FcboxError ? instance : { kind: 'http', instance, path: url };
    }
    let m = PROXY_PATH.exec(url);
    if (m) {
      const instance = this.find(decodePart(m[2]), decodePart(m[1]));
      if (instance instanceof FcboxError) return instance;
      // Seed 001 §7.2.8 and §4.5: on the system path the server sees the whole path, prefix included, and is told
      // the prefix in x-fc-base-path.
      return { kind: 'http', instance, path: url, basePath: `/2016-08-15/proxy/${m[1]}/${m[2]}/` };
    }
    const async = String(req.headers['x-fc-invocation-type'] ?? '').toLowerCase() === 'async';
    if ((m = INVOKE_V2.exec(url))) {
      // `service.qualifier` addresses a version or alias; locally there is only LATEST.
      const instance = this.find(decodePart(m[2]), decodePart(m[1]).split('.')[0]);
      return instance instanceof FcboxError ? instance : { kind: 'event', instance, async };
    }
    if ((m = INVOKE_V3.exec(url))) {
      const instance = this.find(decodePart(m[1]));
      return instance instanceof FcboxError ? instance : { kind: 'event', instance, async };
    }
    return new FcboxError('PathNotSupported', `${req.method} ${url.split('?')[0]} is not an API fcbox serves`, `use POST ${this.url}/2023-03-30/functions/FUNCTION/invocations or ${this.url}/2016-08-15/proxy/SERVICE/FUNCTION/PATH`);
  }

  /** By name, and by service when given; 3.0.0 functions have no service, so any service name matches them. */
  private find(name: string, service?: string): Instance | FcboxError {
    const matches = this.members.filter((i) => i.fn.name === name && (service === undefined || i.fn.service === undefined || i.fn.service === service));
    if (matches.length === 1) return matches[0];
    if (matches.length === 0) return this.notFound(name, service);
    return new FcboxError('InvalidArgument', `function name ${name} is ambiguous`, `address it with its service: /2016-08-15/services/SERVICE/functions/${name}/invocations`);
  }

  private notFound(name: string, service?: string): FcboxError {
    const known = this.members.map((i) => qualifiedName(i.fn)).join(', ') || 'none';
    return new FcboxError('FunctionNotFound', `function not found: ${service ? `${service}/` : ''}${name}`, `known functions: ${known}`);
  }
}

/**
 * Stops listening and resets the connections still open, so a close never waits on a slow invocation (the
 * instances behind it are being stopped too).
 */
function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A %-encoded path segment; a malformed escape is a 400 InvalidArgument, as FC answers it, not a crash. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalidArgument(`the request path has a malformed %-escape: ${part}`, 'percent-encode the service and function names (%XX with two hex digits)');
  }
}

/** Seed 001 §4.5 "Limits on HTTP requests": 400 InvalidArgument for headers or path over 4 KB. */
function checkRequestLimits(req: http.IncomingMessage): FcboxError | undefined {
  const hb = headerBytes(req.rawHeaders);
  if (hb > LIMITS.requestHeaderBytes) {
    return invalidArgument(`the request headers are ${hb} bytes, over the 4 KB limit`, 'send fewer or smaller headers (keys and values count, seed 001 §4.5)');
  }
  const pb = Buffer.byteLength(req.url ?? '');
  if (pb > LIMITS.pathBytes) {
    return invalidArgument(`the request path is ${pb} bytes, over the 4 KB limit`, 'shorten the path and query (seed 001 §4.5); send data in the body');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > LIMITS.bodyBytes) {
    return invalidArgument(`the request body is ${declared} bytes, over the 6 MB limit`, 'send at most 6 MB (seed 001 §4.5); put large payloads in OSS and pass a reference');
  }
  return undefined;
}

/** The body, or undefined once it passes 6 MB (chunked uploads declare no length up front). */
function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > LIMITS.bodyBytes) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tailOf(result: InvokeResult): string {
  const text = result.logs.map((l) => l.text).join('\n');
  const bytes = Buffer.from(text);
  return bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)).toString('base64');
}

/**
 * Platform errors the way FC returns them, `{ErrorCode, ErrorMessage}`, plus what a developer needs next: the fix
 * and the last log lines. A timeout is the function's failure: FC answers InvokeFunction with 200 and
 * X-Fc-Error-Type; an HTTP trigger has no such channel, so it gets 502.
 */
function sendError(res: http.ServerResponse, requestId: string, e: FcboxError, close = false, result?: InvokeResult, tail = false, httpTrigger = false): void {
  let status = STATUS_BY_CODE[e.code] ?? 500;
  if (httpTrigger && status === 200) status = 502;
  const body = Buffer.from(JSON.stringify({ ErrorCode: e.code, ErrorMessage: e.message, Fix: e.hint, Logs: e.details }));
  const headers: http.OutgoingHttpHeaders = { 'x-fc-request-id': requestId, 'content-type': 'application/json', 'content-length': String(body.length) };
  if (result?.functionError) headers['x-fc-error-type'] = 'UnhandledInvocationError';
  if (tail && result) headers['x-fc-log-result'] = tailOf(result);
  if (close) headers.connection = 'close';
  res.writeHead(status, headers).end(body);
}
