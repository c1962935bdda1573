import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { RunningServer } from '../../src/host/backend';
import { DockerBackend, dockerClient } from '../../src/host/dockerBackend';
import { Instance } from '../../src/host/instance';
import { buildRunSpec } from '../../src/host/runSpec';
import { FcboxError } from '../../src/spec/errors';
import { FunctionSpec } from '../../src/spec/model';
import { fcboxContainers, nodeBaseImage } from '../support/images';
import { fixtureFunction, HOST_FIXTURES } from '../support/functions';
import { flakyEngine, FlakyEngine } from './flakyEngine';

const event = (o: unknown) => Buffer.from(JSON.stringify(o));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function running(id: string): boolean {
  return execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() === 'true';
}

/** Real containers on the local engine, some of them through an engine proxy that answers wait too early. */
describe('host/docker backend stopping', function () {
  this.timeout(60_000);
  let base: string;
  let engine: FlakyEngine;
  const started: Instance[] = [];
  const servers: RunningServer[] = [];
  const run = (fn: FunctionSpec, backend?: () => DockerBackend) => {
    const i = new Instance(fn, { backend: 'docker', runtimeImages: { 'custom.debian10': base } }, backend);
    started.push(i);
    return i;
  };
  const startServer = async (fn: FunctionSpec) => {
    const spec = buildRunSpec(fn, { backend: 'docker', runtimeImages: { 'custom.debian10': base }, instanceId: 'test' });
    const server = await new DockerBackend().start(spec, { output: () => undefined, progress: () => undefined });
    servers.push(server);
    return server;
  };

  before(async () => {
    base = nodeBaseImage();
    engine = await flakyEngine();
  });
  afterEach(async () => {
    await Promise.all([...started.splice(0).map((i) => i.stop()), ...servers.splice(0).map((s) => s.stop())]);
  });
  after(async () => {
    await engine.close();
    assert.deepEqual(fcboxContainers(HOST_FIXTURES), [], 'no container left behind');
  });

  it('an early answer from wait while the container runs is not taken for an exit; stop() removes it', async () => {
    const fn = await fixtureFunction({ port: 9000 });
    const inst = run(fn, () => new DockerBackend(new Docker({ socketPath: engine.socketPath })));
    await inst.start();
    const [id] = fcboxContainers(fn.id);
    assert.ok([...engine.lied].some((full) => full.startsWith(id)), 'the engine answered wait early');
    await sleep(500);
    assert.equal(inst.state, 'ready', 'not reported as crashed');
    assert.ok(running(id));
    assert.equal((await inst.invoke({ body: event({}) })).status, 200);
    await inst.stop();
    assert.deepEqual(fcboxContainers(fn.id), [], 'stop removes the container');
    assert.equal(inst.state, 'stopped');
  });

  it('stop() during a start that never gets ready removes the container at once; start() rejects InstanceStopped', async () => {
    const fn = await fixtureFunction({ port: 9000, environment: { FIXTURE_MODE: 'never-listen' } });
    // The FC deadline (120 s), not a test-sized one: stop() must not wait it out.
    const inst = run(fn);
    const outcome = inst.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    await until('the container', () => fcboxContainers(fn.id).length === 1);
    const t0 = Date.now();
    await inst.stop();
    const e = await outcome;
    assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0} ms`);
    assert.ok(e instanceof FcboxError, String(e));
    assert.equal(e.code, 'InstanceStopped');
    assert.equal(inst.state, 'stopped');
    assert.deepEqual(fcboxContainers(fn.id), []);
  });

  it('stop() removes a container that exited on its own, one removed behind its back, and survives two stops at once', async () => {
    const killed = await startServer(await fixtureFunction({ port: 9000 }));
    const killedId = killed.description.replace('container ', '');
    execFileSync('docker', ['kill', killedId]);
    assert.equal((await killed.exited).code, 137);
    assert.equal(running(killedId), false, 'exited, still there');
    await killed.stop();
    assert.throws(() => running(killedId), /No such/, 'removed');

    const removed = await startServer(await fixtureFunction({ port: 9000 }));
    execFileSync('docker', ['rm', '-f', removed.description.replace('container ', '')]);
    await removed.stop(); // 404: already gone

    const twice = await startServer(await fixtureFunction({ port: 9000 }));
    await Promise.all([twice.stop(), twice.stop(), dockerClient().getContainer(twice.description.replace('container ', '')).remove({ force: true }).catch(() => undefined)]);
    assert.throws(() => running(twice.description.replace('container ', '')), /No such/);
  });

  it('the engine refusing attach or start: the created container is removed; port taken → PortInUse, engine words in details', async () => {
    const cases: [{ attach?: string; start?: string }, string, RegExp][] = [
      [{ attach: 'attach refused by the test engine' }, 'StartFailed', /could not attach the container/],
      [{ start: 'driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:20001 failed: port is already allocated' }, 'PortInUse', /already in use/],
      [{ start: 'invalid mount config for type "bind": bind source path does not exist: /nowhere' }, 'StartFailed', /cannot mount the code directory/],
    ];
    for (const [refuse, code, message] of cases) {
      const refusing = await flakyEngine(refuse);
      try {
        const fn = await fixtureFunction();
        const spec = buildRunSpec(fn, { backend: 'docker', runtimeImages: { 'custom.debian10': base }, instanceId: 'test' });
        const e = await new DockerBackend(new Docker({ socketPath: refusing.socketPath })).start(spec, { output: () => undefined, progress: () => undefined }).catch((err: unknown) => err);
        assert.ok(e instanceof FcboxError, String(e));
        assert.equal(e.code, code);
        assert.match(e.message, message);
        assert.match(e.details ?? '', /^the Docker engine said: /);
        assert.deepEqual(fcboxContainers(`${fn.id}`), [], 'the created container was removed');
      } finally {
        await refusing.close();
      }
    }
  });

  it('a remote engine (tcp://): its container pid is not read in this machine’s /proc; readiness connects instead', async () => {
    const remote = await flakyEngine({}, true);
    try {
      const fn = await fixtureFunction();
      const spec = buildRunSpec(fn, { backend: 'docker', runtimeImages: { 'custom.debian10': base }, instanceId: 'test' });
      const server = await new DockerBackend(new Docker({ host: '127.0.0.1', port: remote.port })).start(spec, { output: () => undefined, progress: () => undefined });
      servers.push(server);
      assert.equal(server.listening(), undefined);
      assert.equal(server.bound(), undefined);
      const local = await startServer(await fixtureFunction());
      await until('the local container listens', () => (local.listening()?.length ?? 0) > 0);
    } finally {
      await Promise.all(servers.splice(0).map((s) => s.stop()));
      await remote.close();
    }
  });
});
