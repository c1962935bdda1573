import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Instance } from '../../src/host/instance';
import { processGroup } from '../../src/host/sockets';
import { InstanceState, LogLine } from '../../src/host/types';
import { fixtureFunction, json } from '../support/functions';

const event = (o: unknown) => Buffer.from(JSON.stringify(o));

function hookLog(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fcbox-hooks-')), 'hooks.log');
}

function hooks(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
}

describe('host/Instance (process backend)', function () {
  const started: Instance[] = [];
  const make = (...args: ConstructorParameters<typeof Instance>) => {
    const i = new Instance(...args);
    started.push(i);
    return i;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((i) => i.stop()));
  });

  it('sends POST /invoke as octet-stream with every common x-fc-* header and a fresh request id', async () => {
    const fn = await fixtureFunction({ handler: 'index.handler', service: 'svc', initializer: { handler: 'index.init', timeout: 3 } });
    const inst = make(fn, { backend: 'process', credentials: { accessKeyId: 'AK' } });
    const a = await inst.invoke({ body: event({ hello: 1 }) });
    const b = await inst.invoke({ body: event({ hello: 2 }) });
    assert.equal(a.error, undefined);
    assert.match(inst.description ?? '', /^pid \d+$/, 'the Instances view shows what runs the instance');
    const seen = json(a.body) as { method: string; url: string; headers: Record<string, string>; body: string };
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/invoke');
    assert.equal(seen.body, '{"hello":1}');
    assert.equal(seen.headers['content-type'], 'application/octet-stream');
    assert.equal(seen.headers['x-fc-control-path'], '/invoke');
    assert.equal(seen.headers['x-fc-request-id'], a.requestId);
    assert.notEqual(a.requestId, b.requestId);
    assert.equal(seen.headers['x-fc-access-key-id'], 'AK');
    assert.equal(seen.headers['x-fc-access-key-secret'], 'fcbox-local-access-key-secret');
    for (const h of ['x-fc-security-token', 'x-fc-function-handler', 'x-fc-function-memory', 'x-fc-function-initializer', 'x-fc-initialization-timeout', 'x-fc-region', 'x-fc-account-id', 'x-fc-qualifier', 'x-fc-version-id', 'x-fc-function-name', 'x-fc-service-name', 'x-fc-service-logproject', 'x-fc-service-logstore']) {
      assert.ok(h in seen.headers, `missing ${h}`);
    }
    assert.equal(seen.headers['x-fc-function-initializer'], 'index.init');
    assert.equal(seen.headers['x-fc-service-name'], 'svc');
  });

  it('runs /initialize exactly once under concurrent invocations and keeps at most instanceConcurrency in flight', async () => {
    const fn = await fixtureFunction({ instanceConcurrency: 2, initializer: { handler: 'i', timeout: 3 } });
    const inst = make(fn, { backend: 'process' });
    const results = await Promise.all(Array.from({ length: 7 }, () => inst.invoke({ body: event({ sleepMs: 60 }) })));
    assert.equal(results.length, 7, 'none lost');
    for (const r of results) {
      assert.equal(r.error, undefined);
      const seen = json(r.body) as { initCount: number; maxInFlight: number };
      assert.equal(seen.initCount, 1);
      assert.ok(seen.maxInFlight <= 2, `maxInFlight ${seen.maxInFlight}`);
    }
    assert.equal((json(results[6].body) as { maxInFlight: number }).maxInFlight, 2);
    assert.equal(await inst.initialize(), undefined, 'a plain initialize() after the first is a no-op');
    const again = await inst.initialize({ again: true });
    assert.equal(again?.status, 200, 'an explicit request sends it once more');
    assert.equal((json((await inst.invoke({ body: event({}) })).body) as { initCount: number }).initCount, 2);
  });

  it('holds /initialize until beforeInitialize resolves (a debugger attaching)', async () => {
    const log = hookLog();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fn = await fixtureFunction({ initializer: { handler: 'i', timeout: 3 }, environment: { HOOK_LOG: log } });
    const inst = make(fn, { backend: 'process', beforeInitialize: () => gate });
    const pending = inst.invoke({ body: event({}) });
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(hooks(log), [], 'initialize waits');
    release();
    assert.equal((await pending).status, 200);
    assert.deepEqual(hooks(log), ['initialize']);
  });

  it('calls GET /pre-freeze when in-flight work drains and GET /pre-stop before stopping; stop leaves no process', async () => {
    const log = hookLog();
    const fn = await fixtureFunction({ preFreeze: { handler: 'f', timeout: 3 }, preStop: { handler: 's', timeout: 3 }, environment: { HOOK_LOG: log } });
    const inst = make(fn, { backend: 'process' });
    const states: InstanceState[] = [];
    inst.on('state', (s) => states.push(s));
    await inst.invoke({ body: event({}) });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(inst.state, 'frozen');
    const pid = Number(/pid (\d+)/.exec(inst.logs().map((l) => l.text).join('\n'))?.[1]);
    assert.ok((await processGroup(pid)).length > 0);
    await inst.stop();
    assert.deepEqual(hooks(log), ['pre-freeze', 'pre-stop']);
    assert.deepEqual(states, ['starting', 'ready', 'busy', 'frozen', 'stopped']);
    assert.deepEqual(await processGroup(pid), [], 'the whole process group is gone');
  });

  it('attributes log lines to requests by markers, by timing without them, and warns once about missing markers', async () => {
    const fn = await fixtureFunction({ environment: { FIXTURE_MODE: 'no-markers' } });
    const inst = make(fn, { backend: 'process' });
    const lines: LogLine[] = [];
    inst.on('log', (l) => lines.push(l));
    const r = await inst.invoke({ body: event({}) });
    await new Promise((res) => setTimeout(res, 400));
    const handling = lines.find((l) => l.text.startsWith('handling'));
    assert.equal(handling?.requestId, r.requestId);
    assert.ok(typeof handling?.time === 'number');
    assert.ok(lines.some((l) => l.level === 'warning' && /printed no "FC Invoke Start RequestId/.test(l.text)));
    await inst.invoke({ body: event({}) });
    assert.equal(inst.logs().filter((l) => /printed no/.test(l.text)).length, 1);

    const marked = make(await fixtureFunction(), { backend: 'process' });
    const m = await marked.invoke({ body: event({}) });
    assert.deepEqual(m.logs.map((l) => l.text), [`FC Invoke Start RequestId: ${m.requestId}`, 'handling POST /invoke', `FC Invoke End RequestId: ${m.requestId}`]);
    assert.ok(!marked.logs().some((l) => l.level === 'warning'));
  });

  it('reports a function error from x-fc-status 404', async () => {
    const inst = make(await fixtureFunction(), { backend: 'process' });
    const r = await inst.invoke({ body: event({ fail: true }) });
    assert.equal(r.functionError, true);
    assert.equal(r.error, undefined);
    assert.equal(r.status, 404);
  });

  it('reports a crash, then restarts on the next invocation', async () => {
    const inst = make(await fixtureFunction(), { backend: 'process' });
    const crash = await inst.invoke({ body: event({ exit: true }) });
    assert.equal(crash.error?.code, 'ProcessExited');
    assert.equal(crash.error?.message, 'Process exited unexpectedly before completing request');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(inst.state, 'crashed');
    const again = await inst.invoke({ body: event({}) });
    assert.equal(again.status, 200);
    assert.equal(inst.state, 'ready');
  });

  it('applies the transform to the run spec before start (debugger hooks)', async () => {
    const fn = await fixtureFunction();
    const inst = make(fn, { backend: 'process', transform: (spec) => ({ ...spec, env: { ...spec.env, NODE_OPTIONS: '--no-warnings' } }) });
    await inst.start();
    assert.equal(inst.runSpec?.env.NODE_OPTIONS, '--no-warnings');
    assert.equal(inst.address?.port, fn.port);
  });
});
