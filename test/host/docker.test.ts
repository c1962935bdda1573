import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import Docker from 'dockerode';
import { DockerBackend, dockerClient, ensureDocker } from '../../src/host/dockerBackend';
import { Instance } from '../../src/host/instance';
import { stablePort } from '../../src/host/runSpec';
import { FcboxError } from '../../src/spec/errors';
import { FunctionSpec } from '../../src/spec/model';
import { fcboxContainers, fixtureAppImage, nodeBaseImage } from '../support/images';
import { fixtureFunction, HOST_FIXTURES, json } from '../support/functions';

const event = (o: unknown) => Buffer.from(JSON.stringify(o));

/** Real containers on the local engine; never skipped (CI runs dockerd). */
describe('host/docker backend', function () {
  this.timeout(60_000);
  let base: string;
  let appImage: string;
  const started: Instance[] = [];
  const run = (fn: FunctionSpec, startupTimeoutMs = 10_000) => {
    const i = new Instance(fn, { backend: 'docker', runtimeImages: { 'custom.debian10': base }, startupTimeoutMs });
    started.push(i);
    return i;
  };
  const container = (overrides: Partial<FunctionSpec>) =>
    fixtureFunction({ runtime: 'custom-container', codeDir: undefined, image: appImage, port: 9000, ...overrides });

  before(() => {
    base = nodeBaseImage();
    appImage = fixtureAppImage(HOST_FIXTURES);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((i) => i.stop()));
  });

  it('custom runtime: code mounted at /code in the runtime image, labelled, published on 127.0.0.1 only at a stable port', async () => {
    const fn = await fixtureFunction({ port: 9000, initializer: { handler: 'i', timeout: 3 } });
    const inst = run(fn);
    const r = await inst.invoke({ body: event({ a: 1 }) });
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal((json(r.body) as { initCount: number }).initCount, 1);
    const [id] = fcboxContainers(fn.id);
    const info = await dockerClient().getContainer(id).inspect();
    assert.equal(info.Config.Labels.fcbox, '1');
    assert.equal(info.Config.Labels['fcbox.function'], fn.id);
    assert.deepEqual(info.HostConfig.PortBindings['9000/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(stablePort(fn.id)) }]);
    assert.deepEqual(info.Config.Entrypoint, ['/code/bootstrap']);
    assert.ok(info.HostConfig.Binds?.includes(`${HOST_FIXTURES}:/code`));
    assert.equal(inst.address?.port, stablePort(fn.id));

    await inst.stop();
    assert.deepEqual(fcboxContainers(fn.id), [], 'stop removes the container');
    await inst.start();
    assert.equal(inst.address?.port, stablePort(fn.id), 'same port after a restart');
  });

  it('removes leftovers of a crashed earlier run on start', async () => {
    const fn = await fixtureFunction({ port: 9000 });
    const docker = dockerClient();
    const stale = await docker.createContainer({ Image: base, Cmd: ['node', '-e', 'setInterval(()=>{},1e3)'], Labels: { fcbox: '1', 'fcbox.function': fn.id, 'fcbox.owner': `${os.hostname()}/999999` } });
    await stale.start();
    const inst = run(fn);
    await inst.start();
    const left = fcboxContainers(fn.id);
    assert.equal(left.length, 1);
    assert.ok(!stale.id.startsWith(left[0]), 'the stale container is gone');
    assert.ok(inst.logs().some((l) => /removing leftover container/.test(l.text)));
  });

  it('custom container: the image’s own entrypoint, and command/args overrides', async () => {
    const own = run(await container({}));
    assert.equal((json((await own.invoke({ body: event({}) })).body) as { url: string }).url, '/invoke');
    const overridden = run(await container({ command: ['node'], args: ['/app/server.js'], environment: { FIXTURE_MODE: 'no-markers' } }));
    const r = await overridden.invoke({ body: event({}) });
    assert.equal(r.status, 200);
    assert.ok(overridden.logs().some((l) => l.text === 'fixture no-markers starting'));
  });

  it('SCF web image: POST /event-invoke with X-Scf-* headers on 9000 (seed 004)', async () => {
    const fn = await container({ platform: 'scf', edition: 'scf', runtime: 'web-image', service: 'ns' });
    const r = await run(fn).invoke({ body: event({ k: 'v' }) });
    const seen = json(r.body) as { url: string; headers: Record<string, string>; body: string };
    assert.equal(seen.url, '/event-invoke');
    assert.equal(seen.body, '{"k":"v"}');
    assert.equal(seen.headers['x-scf-request-id'], r.requestId);
    assert.equal(seen.headers['x-scf-name'], fn.name);
    assert.equal(seen.headers['x-scf-namespace'], 'ns');
    for (const h of ['x-scf-memory', 'x-scf-timeout', 'x-scf-version', 'x-scf-region', 'x-scf-appid', 'x-scf-uin', 'x-scf-session-token', 'x-scf-secret-id', 'x-scf-secret-key']) assert.ok(h in seen.headers, h);
  });

  it('listens on 127.0.0.1 inside the container: FunctionNotStarted "bind 0.0.0.0", without waiting out the deadline', async () => {
    const t0 = Date.now();
    const e = await run(await container({ environment: { FIXTURE_MODE: 'loopback' } }), 20_000).start().catch((err: FcboxError) => err);
    assert.ok(e instanceof FcboxError);
    assert.equal(e.code, 'FunctionNotStarted');
    assert.match(e.hint ?? '', /bind 0\.0\.0\.0/);
    assert.ok(Date.now() - t0 < 10_000);
  });

  it('never listens: FunctionNotStarted with the container’s last lines; SCF uses its own message', async () => {
    const e = await run(await container({ environment: { FIXTURE_MODE: 'never-listen' } }), 1000).start().catch((err: FcboxError) => err);
    assert.equal(e?.code, 'FunctionNotStarted');
    assert.match(e?.details ?? '', /fixture never-listen starting/);
    const scf = await run(await container({ platform: 'scf', runtime: 'web-image', environment: { FIXTURE_MODE: 'never-listen' } }), 1000).start().catch((err: FcboxError) => err);
    assert.match(scf?.message ?? '', /The request timed out in 1000ms\. Please confirm your http server have enabled listening on port 9000\./);
  });

  it('entrypoint not executable in the image: CAFilePermission; exit during a request: ProcessExited and a restart', async () => {
    const e = await run(await container({ command: ['/app/bootstrap-noexec'] })).start().catch((err: FcboxError) => err);
    assert.equal(e?.code, 'CAFilePermission');
    const inst = run(await container({}));
    const crash = await inst.invoke({ body: event({ exit: true }) });
    assert.equal(crash.error?.code, 'ProcessExited');
    assert.equal((await inst.invoke({ body: event({}) })).status, 200);
  });

  it('Docker not reachable: one line saying so and what to do', async () => {
    const e = await ensureDocker(new Docker({ socketPath: '/tmp/fcbox-no-such-docker.sock' })).catch((err: FcboxError) => err);
    assert.equal(e?.code, 'DockerUnavailable');
    assert.match(e?.message ?? '', /Docker is not running or not installed/);
    assert.match(e?.hint ?? '', /--backend process/);
    const inst = new Instance(await container({}), { backend: 'docker' }, () => new DockerBackend(new Docker({ socketPath: '/tmp/fcbox-no-such-docker.sock' })));
    assert.equal((await inst.invoke({ body: event({}) })).error?.code, 'DockerUnavailable');
  });

  after(() => {
    assert.deepEqual(fcboxContainers(HOST_FIXTURES), [], 'no container left behind');
  });
});
