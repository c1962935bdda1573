import * as assert from 'node:assert/strict';
import { freePort } from '../../src/host/backend';
import { Instance } from '../../src/host/instance';
import { accepts } from '../../src/host/readiness';
import { processGroup } from '../../src/host/sockets';
import { InstanceState } from '../../src/host/types';
import { FcboxError } from '../../src/spec/errors';
import { fixtureFunction } from '../support/functions';

const event = (o: unknown) => Buffer.from(JSON.stringify(o));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function pidOf(inst: Instance): number {
  return Number(/\(pid (\d+),/.exec(inst.logs().map((l) => l.text).join('\n'))?.[1]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** How a stopped start must end: promptly, with InstanceStopped, and the instance back to 'stopped'. */
async function assertStoppedBeforeReady(inst: Instance, start: Promise<void>): Promise<void> {
  const outcome = start.then(
    () => undefined,
    (err: unknown) => err,
  );
  const t0 = Date.now();
  await inst.stop();
  const e = await outcome;
  assert.ok(Date.now() - t0 < 3000, `stop took ${Date.now() - t0} ms`);
  assert.ok(e instanceof FcboxError, `start rejected with ${String(e)}`);
  assert.equal(e.code, 'InstanceStopped');
  assert.match(e.message, /stopped before it was ready/);
  assert.equal(inst.state, 'stopped');
}

describe('host/Instance stopping (process backend)', function () {
  const started: Instance[] = [];
  const make = (...args: ConstructorParameters<typeof Instance>) => {
    const i = new Instance(...args);
    started.push(i);
    return i;
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));
  afterEach(async () => {
    await Promise.all(started.splice(0).map((i) => i.stop()));
    // A rejection is reported unhandled after the microtask queue drains; give it that turn.
    await sleep(50);
    assert.deepEqual(unhandled.splice(0), [], 'no unhandled promise rejection');
  });

  it('stop() during a start held by --inspect-brk kills the process group at once; start() rejects InstanceStopped', async () => {
    const inspector = await freePort();
    const fn = await fixtureFunction();
    // No startupTimeoutMs: the FC deadline (120 s) is what stop() used to wait out.
    const inst = make(fn, {
      backend: 'process',
      transform: (spec) => ({
        ...spec,
        env: { ...spec.env, NODE_OPTIONS: `--inspect-brk=127.0.0.1:${inspector}` },
        extraPorts: [...spec.extraPorts, { containerPort: inspector, hostPort: inspector }],
      }),
    });
    const start = inst.start();
    await until('the inspector to listen', () => accepts('127.0.0.1', inspector, 0));
    assert.equal(inst.state, 'starting');
    const pid = pidOf(inst);
    assert.ok(processGroup(pid).length > 0);
    await assertStoppedBeforeReady(inst, start);
    assert.deepEqual(processGroup(pid), [], 'the whole process group is gone');
    assert.equal(await accepts('127.0.0.1', inspector, 0), false);
  });

  it('stop() while the initializer waits for a debugger that never attaches: start() rejects instead of hanging', async () => {
    const fn = await fixtureFunction({ initializer: { handler: 'i', timeout: 3 } });
    const inst = make(fn, { backend: 'process', beforeInitialize: () => new Promise<void>(() => undefined) });
    const start = inst.start();
    const invoked = inst.invoke({ body: event({}) });
    await until('the server to be ready', () => inst.state === 'ready');
    const pid = pidOf(inst);
    await assertStoppedBeforeReady(inst, start);
    assert.equal((await invoked).error?.code, 'InstanceStopped', 'a waiting invocation answers with the reason');
    assert.deepEqual(processGroup(pid), []);
  });

  it('stop() while the transform is still working: nothing is spawned, start() rejects InstanceStopped', async () => {
    const fn = await fixtureFunction();
    const inst = make(fn, { backend: 'process', transform: () => new Promise(() => undefined) });
    const start = inst.start();
    await sleep(50);
    assert.equal(inst.state, 'starting');
    await assertStoppedBeforeReady(inst, start);
    assert.ok(!inst.logs().some((l) => /\(pid \d+/.test(l.text)), 'no process was started');
  });

  it('a transform that throws: crashed (like any failed start), a StartFailed FcboxError with the reason; the next start runs', async () => {
    const fn = await fixtureFunction();
    let calls = 0;
    const inst = make(fn, {
      backend: 'process',
      transform: (spec) => {
        if (++calls === 1) throw new TypeError('debugpy is not importable');
        if (calls === 2) throw new FcboxError('DebuggerNotReady', 'the python debugger is missing', 'pip install debugpy');
        return spec;
      },
    });
    const states: InstanceState[] = [];
    inst.on('state', (s) => states.push(s));
    const e = await inst.start().catch((err: unknown) => err);
    assert.ok(e instanceof FcboxError, String(e));
    assert.equal(e.code, 'StartFailed');
    assert.match(e.message, /could not be prepared to start: debugpy is not importable$/);
    assert.equal(inst.state, 'crashed');
    assert.deepEqual(states, ['starting', 'crashed']);

    const r = await inst.invoke({ body: event({}) });
    assert.equal(r.error?.code, 'DebuggerNotReady', 'an FcboxError from the transform is kept as it is');
    assert.equal(inst.state, 'crashed');

    await inst.start();
    assert.equal(inst.state, 'ready');
  });

  it('a server whose daemon keeps stdout/stderr open: stop() does not wait for the pipes', async () => {
    const inst = make(await fixtureFunction({ environment: { FIXTURE_MODE: 'daemon' } }), { backend: 'process' });
    await inst.start();
    await until('the daemon pid', () => inst.logs().some((l) => /^daemon pid \d+$/.test(l.text)));
    const daemon = Number(/^daemon pid (\d+)$/m.exec(inst.logs().map((l) => l.text).join('\n'))?.[1]);
    const pid = pidOf(inst);
    try {
      assert.ok(alive(daemon));
      const t0 = Date.now();
      await inst.stop();
      assert.ok(Date.now() - t0 < 2000, `stop took ${Date.now() - t0} ms`);
      assert.deepEqual(processGroup(pid), [], 'the server’s process group is gone');
      assert.equal(inst.state, 'stopped');
      // A daemon in a session of its own is out of the group's reach (as it would be out of FC's agent's):
      // it still runs, holding the pipes, and stop() returned all the same.
      assert.ok(alive(daemon));
    } finally {
      if (alive(daemon)) process.kill(daemon, 'SIGKILL');
    }
  });

  it('stopped mid-invoke and mid-start: every invocation resolves, no unhandled rejection', async () => {
    const fn = await fixtureFunction({ instanceConcurrency: 2, preFreeze: { handler: 'f', timeout: 3 }, initializer: { handler: 'i', timeout: 3 } });
    const inst = make(fn, { backend: 'process' });
    const busy = [inst.invoke({ body: event({ sleepMs: 2000 }) }), inst.invoke({ body: event({ sleepMs: 2000 }) }), inst.invoke({ body: event({}) })];
    await until('two invocations in flight', () => inst.state === 'busy');
    await sleep(100);
    await inst.stop({ preStop: false });
    const [a, b, queued] = await Promise.all(busy);
    assert.equal(a.error?.code, 'ProcessExited');
    assert.equal(b.error?.code, 'ProcessExited');
    // The call that waited for a slot is refused: starting the server again would leave it running after stop().
    assert.equal(queued.error?.code, 'InstanceStopped');
    assert.equal(inst.state, 'stopped');
    assert.equal(inst.description, undefined, 'nothing runs after stop()');

    // Again, with the calls still waiting for the cold start.
    const cold = Array.from({ length: 4 }, () => inst.invoke({ body: event({}) }));
    await sleep(5);
    await inst.stop();
    for (const r of await Promise.all(cold)) assert.ok(r.error || r.status === 200, `${r.error?.code ?? r.status}`);
    assert.equal(inst.description, undefined, 'nothing runs after stop()');
  });

  it('calls arriving while stop() runs wait for it, then get InstanceStopped; a call after stop() starts afresh', async () => {
    const fn = await fixtureFunction({ preStop: { handler: 'p', timeout: 1 } });
    const inst = make(fn, { backend: 'process' });
    await inst.start();
    const stopping = inst.stop();
    const during = inst.invoke({ body: event({}) });
    const start = inst.start().catch((e: unknown) => e);
    const r = await during;
    assert.equal(r.error?.code, 'InstanceStopped');
    const e = await start;
    assert.ok(e instanceof FcboxError && e.code === 'InstanceStopped', String(e));
    await stopping;
    assert.equal(inst.state, 'stopped');
    assert.equal(inst.description, undefined, 'nothing runs after stop()');
    const after = await inst.invoke({ body: event({}) });
    assert.equal(after.status, 200);
  });

  it('debugging (invocationTimeoutMs 0): a server that never answers /pre-stop does not hang stop(), nor /pre-freeze the next call', async () => {
    const fn = await fixtureFunction({ environment: { FIXTURE_MODE: 'silent-hooks' }, preStop: { handler: 'p', timeout: 1 }, preFreeze: { handler: 'f', timeout: 1 } });
    const inst = make(fn, { backend: 'process', invocationTimeoutMs: 0 });
    assert.equal((await inst.invoke({ body: event({}) })).status, 200);
    const t0 = Date.now();
    // Waits for the pre-freeze that follows the first call.
    assert.equal((await inst.invoke({ body: event({}) })).status, 200);
    const t1 = Date.now();
    await inst.stop();
    assert.ok(Date.now() - t1 < 3000, `stop took ${Date.now() - t1} ms`);
    assert.ok(Date.now() - t0 < 5000);
    assert.ok(inst.logs().some((l) => /pre-stop failed/.test(l.text)));
    assert.equal(inst.state, 'stopped');
  });
});
