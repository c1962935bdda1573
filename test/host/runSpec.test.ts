import * as assert from 'node:assert/strict';
import { buildRunSpec, mapCodePath, resolveBackend, stablePort } from '../../src/host/runSpec';
import { FcboxError } from '../../src/spec/errors';
import { fixtureFunction, HOST_FIXTURES } from '../support/functions';

describe('host/runSpec', () => {
  it('process mode: argv array with /code mapped, cwd = code dir, platform env over user env', async () => {
    const fn = await fixtureFunction({
      port: 9000,
      command: ['/code/bootstrap'],
      args: ['--config', '/code/app.json', '/codex', 'x'],
      environment: { APP: '1', FC_RUNTIME: 'user-tries' },
      initializer: { handler: 'index.init', timeout: 5 },
      handler: 'index.handler',
    });
    const spec = buildRunSpec(fn, { backend: 'process', instanceId: 'i-1', hostEnv: { PATH: '/bin', SECRET: 's' } });
    assert.equal(spec.backend, 'process');
    assert.deepEqual(spec.argv, [`${HOST_FIXTURES}/bootstrap`, '--config', `${HOST_FIXTURES}/app.json`, '/codex', 'x']);
    assert.equal(spec.cwd, HOST_FIXTURES);
    assert.equal(spec.bootstrapPath, `${HOST_FIXTURES}/bootstrap`);
    assert.deepEqual(spec.server, { containerPort: 9000, hostPort: 9000 });
    assert.equal(spec.env.PATH, '/bin');
    assert.equal(spec.env.SECRET, undefined, 'only PATH/HOME/LANG… leak from the host');
    assert.equal(spec.env.APP, '1');
    assert.equal(spec.env.FC_RUNTIME, 'custom.debian10');
    assert.equal(spec.env.FC_SERVER_PORT, '9000');
    assert.equal(spec.env.FC_INSTANCE_ID, 'i-1');
    assert.equal(spec.env.FC_INITIALIZER_HANDLER, 'index.init');
    assert.equal(spec.env.FC_FUNC_CODE_PATH, `${HOST_FIXTURES}/`);
    assert.equal(spec.env.ALIBABA_CLOUD_ACCESS_KEY_ID, 'fcbox-local-access-key-id');
    assert.deepEqual(spec.labels, { fcbox: '1', 'fcbox.function': fn.id });
    assert.equal(spec.startupTimeoutMs, 120_000);
  });

  it('defaults the start command to /code/bootstrap (seed 002)', async () => {
    const spec = buildRunSpec(await fixtureFunction(), { backend: 'process', instanceId: 'i' });
    assert.deepEqual(spec.argv, [`${HOST_FIXTURES}/bootstrap`]);
  });

  it('refuses a port outside 1–65535 with a reason and the fix, before anything starts', async () => {
    const fn = await fixtureFunction({ port: 70000 });
    assert.throws(
      () => buildRunSpec(fn, { backend: 'process', instanceId: 'i' }),
      (e: unknown) => e instanceof FcboxError && e.code === 'InvalidArgument' && /70000/.test(e.message) && /customRuntimeConfig\.port/.test(e.hint ?? ''),
    );
  });

  it('docker custom runtime: runtime image, code at /code, user command as entrypoint, stable host port', async () => {
    const fn = await fixtureFunction({ command: ['node'], args: ['/code/server.js'] });
    const spec = buildRunSpec(fn, { backend: 'docker', instanceId: 'i', runtimeImages: { 'custom.debian10': 'my/rt:1' }, startupTimeoutMs: 5000 });
    assert.equal(spec.image, 'my/rt:1');
    assert.deepEqual(spec.entrypoint, ['node']);
    assert.deepEqual(spec.argv, ['/code/server.js']);
    assert.equal(spec.cwd, '/code');
    assert.deepEqual(spec.mounts, [{ hostPath: HOST_FIXTURES, containerPath: '/code' }]);
    assert.equal(spec.server.hostPort, stablePort(fn.id));
    assert.equal(spec.env.FC_FUNC_CODE_PATH, '/code/');
    assert.equal(spec.env.PATH, undefined, 'the image provides PATH');
    assert.equal(spec.startupTimeoutMs, 5000);
    assert.equal(buildRunSpec(fn, { backend: 'docker', instanceId: 'i' }).image, 'aliyunfc/runtime-custom.debian10:latest');
  });

  it('custom container: the image with entrypoint/cmd overrides, undefined keeps the image’s own', async () => {
    const fn = await fixtureFunction({ runtime: 'custom-container', codeDir: undefined, image: 'app:1', command: ['/app/run'], args: undefined, port: 8080 });
    assert.equal(resolveBackend(fn, 'auto'), 'docker');
    const spec = buildRunSpec(fn, { backend: 'auto', instanceId: 'i' });
    assert.deepEqual([spec.image, spec.entrypoint, spec.argv, spec.cwd], ['app:1', ['/app/run'], undefined, undefined]);
    assert.equal(spec.server.containerPort, 8080);
    assert.throws(() => buildRunSpec(fn, { backend: 'process', instanceId: 'i' }), (e: FcboxError) => e.code === 'BackendUnsupported');
  });

  it('SCF web image: fixed port 9000, 30 s deadline, SCF variables (seed 004)', async () => {
    const fn = await fixtureFunction({ platform: 'scf', edition: 'scf', runtime: 'web-image', image: 'scf:1', codeDir: undefined, port: 1234 });
    const spec = buildRunSpec(fn, { backend: 'auto', instanceId: 'i' });
    assert.equal(spec.server.containerPort, 9000);
    assert.equal(spec.startupTimeoutMs, 30_000);
    assert.equal(spec.env.SCF_FUNCTIONNAME, fn.name);
    assert.equal(spec.env.USER_CODE_ROOT, '/var/user/');
  });

  it('maps only the /code prefix and keeps ports stable per function', () => {
    assert.equal(mapCodePath('/code', '/w'), '/w');
    assert.equal(mapCodePath('/code/a/b', '/w'), '/w/a/b');
    assert.equal(mapCodePath('/codes/a', '/w'), '/codes/a');
    assert.equal(stablePort('a'), stablePort('a'));
    assert.ok(stablePort('a') >= 20000 && stablePort('a') < 32768);
  });
});
