import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { Readable } from 'node:stream';
import FC2 from '@alicloud/fc2';
import FC3, * as $FC3 from '@alicloud/fc20230330';
import * as $OpenApi from '@alicloud/openapi-client';
import { Gateway } from '../../src/host/gateway';
import { Instance } from '../../src/host/instance';
import { FcboxError } from '../../src/spec/errors';
import { FunctionSpec } from '../../src/spec/model';
import { fixtureFunction } from '../support/functions';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

describe('host/Gateway', function () {
  let gateway: Gateway;
  let instances: Instance[];
  let event: FunctionSpec;
  let legacy: FunctionSpec;
  let web: FunctionSpec;
  let broken: FunctionSpec;

  before(async () => {
    event = await fixtureFunction({ name: 'events' });
    legacy = await fixtureFunction({ name: 'legacy', service: 'svc', edition: '1.0.0', timeout: 1 });
    web = await fixtureFunction({ name: 'web', service: 'svc', kind: 'http', instanceConcurrency: 4 });
    broken = await fixtureFunction({ name: 'broken', environment: { FIXTURE_MODE: 'exit-early' } });
    instances = [event, legacy, web, broken].map((fn) => new Instance(fn, { backend: 'process', startupTimeoutMs: 3000 }));
    gateway = new Gateway(instances, { port: 0 });
    await gateway.listen();
  });
  after(async () => {
    await gateway.close();
    await Promise.all(instances.map((i) => i.stop()));
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) => fetch(`${gateway.url}${path}`, { method: 'POST', body, headers });

  it('FC 3.0 InvokeFunction: the event reaches POST /invoke; x-fc-request-id is the one the server saw', async () => {
    const res = await post('/2023-03-30/functions/events/invocations', '{"n":1}');
    assert.equal(res.status, 200);
    const seen = (await res.json()) as Seen;
    assert.equal(seen.url, '/invoke');
    assert.equal(seen.body, '{"n":1}');
    assert.equal(res.headers.get('x-fc-request-id'), seen.headers['x-fc-request-id']);
    assert.equal(res.headers.get('x-fc-error-type'), null);
  });

  it('FC 2.0 InvokeFunction with a service (and a qualifier), Tail logs in X-Fc-Log-Result', async () => {
    const res = await post('/2016-08-15/services/svc.LATEST/functions/legacy/invocations', '{}', { 'x-fc-log-type': 'Tail' });
    assert.equal(res.status, 200);
    const id = res.headers.get('x-fc-request-id');
    const log = Buffer.from(res.headers.get('x-fc-log-result') ?? '', 'base64').toString();
    assert.match(log, new RegExp(`FC Invoke Start RequestId: ${id}\nhandling POST /invoke\nFC Invoke End RequestId: ${id}`));
  });

  it('Async invocation: 202 at once, the invocation runs afterwards', async () => {
    const res = await post('/2023-03-30/functions/events/invocations', '{"sleepMs":100}', { 'x-fc-invocation-type': 'Async' });
    assert.equal(res.status, 202);
    const id = res.headers.get('x-fc-request-id') as string;
    const inst = instances[0];
    for (let i = 0; i < 50 && !inst.logs().some((l) => l.text === `FC Invoke End RequestId: ${id}`); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(inst.logs().some((l) => l.text === `FC Invoke End RequestId: ${id}`));
  });

  it('a function error (x-fc-status: 404) comes back with X-Fc-Error-Type: UnhandledInvocationError', async () => {
    const res = await post('/2023-03-30/functions/events/invocations', '{"fail":true}');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-fc-error-type'), 'UnhandledInvocationError');
  });

  it('HTTP trigger system path: full path with prefix, x-fc-base-path, method/query/headers/body passed through (seed 001 §7.2.8)', async () => {
    const res = await fetch(`${gateway.url}/2016-08-15/proxy/svc/web/test/a?x=1&y=2`, { method: 'PUT', body: 'payload', headers: { 'x-custom': 'c', 'x-fc-account-id': 'spoofed' } });
    assert.equal(res.status, 200);
    const seen = (await res.json()) as Seen;
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.url, '/2016-08-15/proxy/svc/web/test/a?x=1&y=2');
    assert.equal(seen.body, 'payload');
    assert.equal(seen.headers['x-custom'], 'c');
    assert.equal(seen.headers['x-fc-control-path'], '/http-invoke');
    assert.equal(seen.headers['x-fc-base-path'], '/2016-08-15/proxy/svc/web/');
    assert.notEqual(seen.headers['x-fc-account-id'], 'spoofed', 'x-fc-* headers belong to the platform');
    assert.equal(res.headers.get('x-fc-request-id'), seen.headers['x-fc-request-id']);
  });

  it('x-fc-invocation-target and the per-function port: the path without the prefix', async () => {
    const viaHeader = (await (await fetch(`${gateway.url}/test?q=1`, { headers: { 'x-fc-invocation-target': '2016-08-15/proxy/svc/web' } })).json()) as Seen;
    assert.equal(viaHeader.url, '/test?q=1');
    assert.equal(viaHeader.headers['x-fc-base-path'], undefined);
    const url = gateway.functionUrls().get(web.id) as string;
    assert.ok(url);
    const res = await fetch(`${url}/hello`);
    assert.ok(res.headers.get('x-fc-request-id'));
    assert.equal(((await res.json()) as Seen).url, '/hello');
  });

  it('requests over the limits: 400 InvalidArgument for headers, path and body (seed 001 §4.5)', async () => {
    const header = await fetch(`${gateway.url}/2016-08-15/proxy/svc/web/`, { headers: { 'x-big': 'h'.repeat(5000) } });
    assert.equal(header.status, 400);
    assert.equal(((await header.json()) as { ErrorCode: string }).ErrorCode, 'InvalidArgument');
    const path = await fetch(`${gateway.url}/2016-08-15/proxy/svc/web/${'p'.repeat(5000)}`);
    assert.equal(path.status, 400);
    assert.match(((await path.json()) as { ErrorMessage: string }).ErrorMessage, /path .* over the 4 KB limit/);
    const body = await post('/2023-03-30/functions/events/invocations', 'b'.repeat(6 * 1024 * 1024 + 1));
    assert.equal(body.status, 400);
    assert.ok(body.headers.get('x-fc-request-id'));
  });

  it('platform errors as FC returns them: JSON {ErrorCode, ErrorMessage} plus the fix and the logs', async () => {
    const bad = await post('/2023-03-30/functions/events/invocations', '{"bigHeaders":true}');
    assert.equal(bad.status, 502);
    assert.equal(((await bad.json()) as { ErrorCode: string }).ErrorCode, 'BadResponse');

    const exited = await post('/2023-03-30/functions/events/invocations', '{"exit":true}');
    assert.equal(exited.status, 502);
    assert.equal(((await exited.json()) as { ErrorMessage: string }).ErrorMessage, 'Process exited unexpectedly before completing request');

    const notStarted = await post('/2023-03-30/functions/broken/invocations', '{}');
    assert.equal(notStarted.status, 502);
    const e = (await notStarted.json()) as { ErrorCode: string; Fix: string; Logs: string };
    assert.equal(e.ErrorCode, 'CAExited');
    assert.match(e.Logs, /fatal: missing configuration/);

    const timeout = await post('/2016-08-15/services/svc/functions/legacy/invocations', '{"sleepMs":3000}');
    assert.equal(timeout.status, 200);
    assert.equal(timeout.headers.get('x-fc-error-type'), 'UnhandledInvocationError');
    assert.equal(((await timeout.json()) as { ErrorCode: string }).ErrorCode, 'FunctionTimeout');

    const missing = await post('/2023-03-30/functions/nope/invocations', '{}');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { ErrorCode: string }).ErrorCode, 'FunctionNotFound');
    assert.ok(missing.headers.get('x-fc-request-id'));
  });

  it('DNS rebinding: a Host that is not loopback gets 403 AccessDenied on the main and per-function ports', async () => {
    const raw = (url: string, host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const u = new URL(url);
        const req = http.request({ host: '127.0.0.1', port: u.port, path: u.pathname, method: 'POST', headers: { host } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        req.end('{}');
      });
    const invoke = `${gateway.url}/2023-03-30/functions/events/invocations`;
    const fnUrl = `${gateway.functionUrls().get(web.id) as string}/hello`;
    for (const url of [invoke, fnUrl]) {
      for (const host of ['attacker.example', 'attacker.example:80', `127.0.0.1.attacker.example:${new URL(url).port}`]) {
        const res = await raw(url, host);
        assert.equal(res.status, 403, `${host} on ${url}`);
        const e = JSON.parse(res.body) as { ErrorCode: string; ErrorMessage: string };
        assert.equal(e.ErrorCode, 'AccessDenied');
        assert.match(e.ErrorMessage, /Host header/);
      }
      for (const host of [`127.0.0.1:${new URL(url).port}`, 'localhost', `LOCALHOST:${new URL(url).port}`, '[::1]:1234']) {
        assert.equal((await raw(url, host)).status, 200, `${host} on ${url}`);
      }
    }
  });

  it('a malformed %-escape in a function name is 400 InvalidArgument, not a 500', async () => {
    for (const path of ['/2023-03-30/functions/%E0%A4%A/invocations', '/2016-08-15/services/%zz/functions/legacy/invocations', '/2016-08-15/proxy/svc/%/x']) {
      const res = await post(path, '{}');
      assert.equal(res.status, 400, path);
      assert.equal(((await res.json()) as { ErrorCode: string }).ErrorCode, 'InvalidArgument');
    }
  });

  it('HTTP trigger: x-fc-* response headers from the function are dropped (seed 001 §4.5), others pass', async () => {
    const headers = { 'x-fc-status': '200', 'x-fc-custom': 'mine', 'x-fc-request-id': 'forged', 'x-mine': 'kept' };
    const res = await fetch(`${gateway.url}/2016-08-15/proxy/svc/web/h`, { method: 'POST', body: JSON.stringify({ headers }) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-mine'), 'kept');
    assert.equal(res.headers.get('x-fc-status'), null);
    assert.equal(res.headers.get('x-fc-custom'), null);
    const seen = (await res.json()) as Seen;
    assert.equal(res.headers.get('x-fc-request-id'), seen.headers['x-fc-request-id']);
  });

  it('a gateway port already in use: PortInUse with the fix, not a stack trace', async () => {
    const second = new Gateway([], { port: Number(new URL(gateway.url).port), functionPorts: false });
    await assert.rejects(second.listen(), (e: unknown) => e instanceof FcboxError && e.code === 'PortInUse' && /0 picks a free one/.test(e.hint ?? ''));
    await second.close();
  });

  it('instances added and removed while it listens: an invocation in flight to another function is not disturbed', async () => {
    const slow = await fixtureFunction({ name: 'slow' });
    const leaving = await fixtureFunction({ name: 'leaving', kind: 'http' });
    const joining = await fixtureFunction({ name: 'joining', kind: 'http' });
    const [a, b, c] = [slow, leaving, joining].map((fn) => new Instance(fn, { backend: 'process', startupTimeoutMs: 3000 }));
    const live = new Gateway([a, b], { port: 0 });
    try {
      await live.listen();
      const invokeA = (body: string) => fetch(`${live.url}/2023-03-30/functions/slow/invocations`, { method: 'POST', body });
      assert.equal((await invokeA('{}')).status, 200, 'A is started before the slow call, so the call is all in flight');
      const bUrl = live.functionUrls().get(leaving.id) as string;
      assert.equal((await fetch(`${bUrl}/before`)).status, 200);

      const inFlight = invokeA('{"sleepMs":1500}');
      await new Promise((r) => setTimeout(r, 200));
      await live.remove(b);
      await live.add(c);
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as Seen).body, '{"sleepMs":1500}');

      const gone = await fetch(`${live.url}/2016-08-15/proxy/any/leaving/x`);
      assert.equal(gone.status, 404);
      assert.equal(((await gone.json()) as { ErrorCode: string }).ErrorCode, 'FunctionNotFound');
      await assert.rejects(fetch(`${bUrl}/after`), (e: Error & { cause?: { code?: string } }) => e.cause?.code === 'ECONNREFUSED', 'B\'s own port is closed');
      assert.deepEqual([...live.functionUrls().keys()], [joining.id]);

      const viaMain = await fetch(`${live.url}/2016-08-15/proxy/any/joining/y`);
      assert.equal(viaMain.status, 200);
      assert.equal(((await viaMain.json()) as Seen).url, '/2016-08-15/proxy/any/joining/y');
      const own = await fetch(`${live.functionUrls().get(joining.id) as string}/z`);
      assert.equal(((await own.json()) as Seen).url, '/z');
    } finally {
      await live.close();
      await Promise.all([a, b, c].map((i) => i.stop()));
    }
  });

  it('the official FC 2.0 SDK (@alicloud/fc2) invokes through the gateway', async () => {
    const client = new FC2('1234567890', { accessKeyID: 'ak', accessKeySecret: 'sk', region: 'cn-hangzhou', endpoint: gateway.url });
    const res = await client.invokeFunction('svc', 'legacy', '{"sdk":2}');
    const seen = res.data as Seen;
    assert.equal(seen.url, '/invoke');
    assert.equal(seen.body, '{"sdk":2}');
  });

  it('the official FC 3.0 SDK (@alicloud/fc20230330) invokes through the gateway', async () => {
    const config = new $OpenApi.Config({ accessKeyId: 'ak', accessKeySecret: 'sk', regionId: 'cn-hangzhou', endpoint: gateway.url.replace('http://', ''), protocol: 'http' });
    const client = new FC3(config as never);
    const res = await client.invokeFunction('events', new $FC3.InvokeFunctionRequest({ body: Readable.from(Buffer.from('{"sdk":3}')) }));
    assert.equal(res.statusCode, 200);
    const chunks: Buffer[] = [];
    for await (const c of res.body as Readable) chunks.push(Buffer.from(c));
    const seen = JSON.parse(Buffer.concat(chunks).toString()) as Seen;
    assert.equal(seen.body, '{"sdk":3}');
    assert.equal(res.headers?.['x-fc-request-id'], seen.headers['x-fc-request-id']);
  });
});
