import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { Instance } from '../../src/host/instance';
import { FcboxError } from '../../src/spec/errors';
import { processGroup } from '../../src/host/sockets';
import { FunctionSpec } from '../../src/spec/model';
import { fixtureFunction } from '../support/functions';

const event = (o: unknown) => Buffer.from(JSON.stringify(o));

/** Each platform fault from a real misbehaving server in test/fixtures/host, in process mode (docker in docker.test.ts). */
describe('host/faults (process backend)', function () {
  const started: Instance[] = [];
  const run = (fn: FunctionSpec, startupTimeoutMs = 1500) => {
    const i = new Instance(fn, { backend: 'process', startupTimeoutMs });
    started.push(i);
    return i;
  };
  const startError = async (i: Instance): Promise<FcboxError> => {
    const e = await i.start().then(
      () => undefined,
      (err: FcboxError) => err,
    );
    assert.ok(e instanceof FcboxError, 'start should fail');
    return e;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((i) => i.stop()));
  });

  it('never listens: FunctionNotStarted with the last log lines, nothing left running', async () => {
    const inst = run(await fixtureFunction({ environment: { FIXTURE_MODE: 'never-listen' } }), 800);
    const e = await startError(inst);
    assert.equal(e.code, 'FunctionNotStarted');
    assert.match(e.message, /cannot be started: nothing accepted connections on port \d+ within 0.8 s/);
    assert.match(e.details ?? '', /fixture never-listen starting/);
    assert.equal(inst.state, 'crashed');
    const pid = Number(/pid (\d+)/.exec(inst.logs().map((l) => l.text).join('\n'))?.[1]);
    assert.deepEqual(await processGroup(pid), []);
  });

  it('listens on another port: FunctionNotStarted naming that port, long before the deadline', async () => {
    const fn = await fixtureFunction({ environment: { FIXTURE_MODE: 'wrong-port' } });
    const t0 = Date.now();
    const e = await startError(run(fn, 20_000));
    assert.equal(e.code, 'FunctionNotStarted');
    assert.match(e.message, new RegExp(`listens on port ${fn.port + 1}, not on the configured port ${fn.port}`));
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  });

  it('listens on 127.0.0.1 only: FunctionNotStarted "bind 0.0.0.0", even though loopback would work here', async () => {
    const e = await startError(run(await fixtureFunction({ environment: { FIXTURE_MODE: 'loopback' } }), 10_000));
    assert.equal(e.code, 'FunctionNotStarted');
    assert.match(e.message, /listens on 127\.0\.0\.1:\d+/);
    assert.match(e.hint ?? '', /bind 0\.0\.0\.0/);
  });

  it('exits before ready: CAExited with its exit code and output', async () => {
    const e = await startError(run(await fixtureFunction({ environment: { FIXTURE_MODE: 'exit-early' } }), 10_000));
    assert.equal(e.code, 'CAExited');
    assert.match(e.message, /exit code 1/);
    assert.match(e.details ?? '', /fatal: missing configuration DB_URL/);
  });

  it('bootstrap without a shebang: CAExited "exec format error" with the #!/bin/bash fix (seed 001 §7.2.2)', async () => {
    const e = await startError(run(await fixtureFunction({ command: ['/code/bootstrap-noshebang'] })));
    assert.equal(e.code, 'CAExited');
    assert.match(e.message, /exec format error/);
    assert.match(e.hint ?? '', /#!\/bin\/bash/);
  });

  it('bootstrap with CRLF line endings: CAExited naming the cause (seed 001 §7.2.6)', async () => {
    const e = await startError(run(await fixtureFunction({ command: ['/code/bootstrap-crlf'] })));
    assert.equal(e.code, 'CAExited');
    assert.match(e.message, /CRLF/);
    assert.match(e.hint ?? '', /UNIX line endings/);
  });

  it('bootstrap not executable: CAFilePermission with chmod (seed 001 §7.2.3)', async () => {
    const e = await startError(run(await fixtureFunction({ command: ['/code/bootstrap-noexec'] })));
    assert.equal(e.code, 'CAFilePermission');
    assert.match(e.hint ?? '', /chmod 755/);
  });

  it('exceeds the function timeout: FunctionTimeout, and the instance is recycled', async () => {
    const inst = run(await fixtureFunction({ timeout: 1 }));
    const r = await inst.invoke({ body: event({ sleepMs: 5000 }) });
    assert.equal(r.error?.code, 'FunctionTimeout');
    assert.match(r.error?.message ?? '', /timed out after 1 seconds/);
    assert.equal(r.functionError, true);
    // Not 'stopped': that is a user's stop, and the editor drops a stopped instance from the gateway.
    assert.equal(inst.state, 'crashed');
    assert.equal((await inst.invoke({ body: event({}) })).status, 200, 'a fresh instance serves the next call');
  });

  it('response headers over 4 KB: BadResponse', async () => {
    const r = await run(await fixtureFunction()).invoke({ body: event({ bigHeaders: true }) });
    assert.equal(r.error?.code, 'BadResponse');
    assert.match(r.error?.message ?? '', /over the 4 KB limit/);
  });

  it('closes idle keep-alive connections quickly: a warning citing the 15 minute rule', async () => {
    const inst = run(await fixtureFunction({ environment: { FIXTURE_MODE: 'short-keepalive' } }));
    await inst.invoke({ body: event({}) });
    await new Promise((r) => setTimeout(r, 600));
    const warning = inst.logs().find((l) => l.level === 'warning' && /keep-alive/.test(l.text));
    assert.ok(warning, 'warned');
    assert.match(warning.text, /15 min/);
    const quiet = run(await fixtureFunction());
    await quiet.invoke({ body: event({}) });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!quiet.logs().some((l) => /keep-alive/.test(l.text)));
  });

  it('two functions on one port in process mode: says which function holds it', async () => {
    const a = await fixtureFunction();
    const b = await fixtureFunction({ port: a.port });
    await run(a).start();
    const e = await startError(run(b));
    assert.equal(e.code, 'PortInUse');
    assert.match(e.message, new RegExp(`port ${a.port} is already used by function ${a.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(e.hint ?? '', /--backend docker/);
  });

  it('a port another program holds on 0.0.0.0: PortInUse before anything is spawned', async () => {
    const fn = await fixtureFunction();
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(fn.port, '0.0.0.0', r));
    try {
      const e = await startError(run(fn));
      assert.equal(e.code, 'PortInUse');
      assert.match(e.message, new RegExp(`port ${fn.port} is already in use by another program`));
    } finally {
      squatter.close();
    }
  });
});
