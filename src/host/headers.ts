/**
 * The requests the platform sends to the user's server: paths, methods and common headers exactly as the seeds
 * specify, so a server that works here works when deployed.
 */
import { randomUUID } from 'node:crypto';
import { FunctionSpec } from '../spec/model';
import { DEFAULT_REGION } from '../spec/platform';
import { Credentials, InvokeRequest } from './types';

export type Headers = Record<string, string | string[]>;

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: Headers;
  body: Buffer;
}

export type Hook = 'initialize' | 'pre-freeze' | 'pre-stop';

export function newRequestId(): string {
  return randomUUID();
}

/** Seed 001 §4.5: request headers a client cannot set; the platform owns them (and every x-fc-* header). */
const REQUEST_HEADERS_DROPPED = new Set(['accept-encoding', 'connection', 'keep-alive', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Seed 001 "Common request headers in Function Compute" (§4 custom runtime; §5 custom container uses the same). */
function fcCommonHeaders(fn: FunctionSpec, requestId: string, controlPath: string, c: Credentials): Record<string, string> {
  const h: Record<string, string> = {
    'x-fc-request-id': requestId,
    'x-fc-access-key-id': c.accessKeyId,
    'x-fc-access-key-secret': c.accessKeySecret,
    'x-fc-security-token': c.securityToken,
    'x-fc-function-handler': fn.handler ?? '',
    'x-fc-function-memory': String(fn.memorySize),
    'x-fc-function-timeout': String(fn.timeout),
    'x-fc-function-initializer': fn.initializer?.handler ?? '',
    'x-fc-initialization-timeout': String(fn.initializer?.timeout ?? 0),
    'x-fc-region': fn.region ?? DEFAULT_REGION.fc,
    'x-fc-account-id': c.accountId,
    'x-fc-qualifier': 'LATEST',
    'x-fc-version-id': '',
    'x-fc-function-name': fn.name,
    'x-fc-service-name': fn.service ?? '',
    'x-fc-service-logproject': '',
    'x-fc-service-logstore': '',
    'x-fc-control-path': controlPath,
  };
  return h;
}

/** Seed 004 "Function input parameters": the context SCF passes as headers. */
function scfHeaders(fn: FunctionSpec, requestId: string, c: Credentials): Record<string, string> {
  return {
    'X-Scf-Request-Id': requestId,
    'X-Scf-Memory': String(fn.memorySize),
    'X-Scf-Timeout': String(fn.timeout * 1000),
    'X-Scf-Version': '$LATEST',
    'X-Scf-Name': fn.name,
    'X-Scf-Namespace': fn.service ?? 'default',
    'X-Scf-Region': fn.region ?? DEFAULT_REGION.scf,
    'X-Scf-Appid': c.accountId,
    'X-Scf-Uin': c.accountId,
    'X-Scf-Session-Token': c.securityToken,
    'X-Scf-Secret-Id': c.accessKeyId,
    'X-Scf-Secret-Key': c.accessKeySecret,
  };
}

/**
 * FC: `POST /invoke`, octet-stream (seed 001 §4.4 table). SCF: `POST /event-invoke` (seed 004 "Function invocation").
 * The headers object is fresh per call and belongs to the caller, which may add to it (content-length).
 */
export function eventRequest(fn: FunctionSpec, requestId: string, body: Buffer, c: Credentials): UpstreamRequest {
  if (fn.platform === 'scf') {
    return { method: 'POST', path: '/event-invoke', body, headers: { ...scfHeaders(fn, requestId, c), 'content-type': 'application/json' } };
  }
  const headers = fcCommonHeaders(fn, requestId, '/invoke', c);
  headers['content-type'] = 'application/octet-stream';
  return { method: 'POST', path: '/invoke', body, headers };
}

/**
 * HTTP functions: the client's method, path, query, headers and body, plus the common headers with
 * `x-fc-control-path: /http-invoke` (seed 001 §4.5). The caller decides the path (system path vs custom domain).
 */
export function httpRequest(fn: FunctionSpec, requestId: string, req: InvokeRequest, c: Credentials, basePath?: string): UpstreamRequest {
  const passed: Headers = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    const key = k.toLowerCase();
    if (REQUEST_HEADERS_DROPPED.has(key) || key.startsWith('x-fc-') || key.startsWith('x-scf-')) continue;
    passed[key] = v;
  }
  const platform = fn.platform === 'scf' ? scfHeaders(fn, requestId, c) : fcCommonHeaders(fn, requestId, '/http-invoke', c);
  if (basePath && fn.platform !== 'scf') platform['x-fc-base-path'] = basePath;
  return { method: req.method ?? 'GET', path: req.path ?? '/', body: req.body ?? Buffer.alloc(0), headers: { ...passed, ...platform } };
}

/** Seed 001 §4.6: `POST /initialize`, `GET /pre-freeze`, `GET /pre-stop`, no body, common headers. */
export function hookRequest(fn: FunctionSpec, hook: Hook, requestId: string, c: Credentials): UpstreamRequest {
  return {
    method: hook === 'initialize' ? 'POST' : 'GET',
    path: `/${hook}`,
    body: Buffer.alloc(0),
    headers: fcCommonHeaders(fn, requestId, `/${hook}`, c),
  };
}

export function isHookRequest(req: UpstreamRequest): boolean {
  return ['/initialize', '/pre-freeze', '/pre-stop'].includes(String(req.headers['x-fc-control-path']));
}

/** Seed 001 §4.4: the server reports failure with `x-fc-status` (404) or its status code. */
export function reportsFailure(status: number, headers: Headers, kind: FunctionSpec['kind']): boolean {
  const fcStatus = headers['x-fc-status'];
  if (fcStatus !== undefined) return !/^2\d\d$/.test(String(fcStatus));
  // An HTTP function's 404 page is a response, not a failed invocation; an event function's non-2xx is.
  return kind === 'event' && (status < 200 || status > 299);
}

/** Sum of key and value lengths, the way seed 001 §4.5 counts header size. */
export function headerBytes(rawHeaders: string[]): number {
  return rawHeaders.reduce((n, s) => n + Buffer.byteLength(s), 0);
}
