import * as assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../src/host/backend';
import { processGroup } from '../../src/host/sockets';
import { fcboxContainers, fixtureAppImage } from '../support/images';
import { HOST_FIXTURES } from '../support/functions';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `fcbox start` and `fcbox invoke` as a user runs them: the bundled dist/cli.js in a child process. */
describe('host/CLI start and invoke', function () {
  this.timeout(60_000);
  let env: NodeJS.ProcessEnv;
  let hookLog: string;

  before(async () => {
    execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT });
    hookLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fcbox-cli-')), 'hooks.log');
    env = { FCBOX_TEST_PORT: String(await freePort()), FCBOX_TEST_IMAGE: fixtureAppImage(HOST_FIXTURES), HOOK_LOG: hookLog };
  });

  it('start: prints the gateway URL, serves process and docker functions, and SIGTERM runs pre-stop and leaves nothing behind', async () => {
    const child: ChildProcess = spawn(process.execPath, [CLI, 'start', 'test/fixtures/host', '--function', 'events', '--function', 'boxed', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr?.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (c) => {
        out += c;
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
        if (m) resolve(m[0]);
      });
      child.once('close', () => reject(new Error(`start exited early:\n${stderr}`)));
    });
    const events = await fetch(`${url}/2023-03-30/functions/events/invocations`, { method: 'POST', body: '{}' });
    assert.equal(events.status, 200);
    const boxed = await fetch(`${url}/2023-03-30/functions/boxed/invocations`, { method: 'POST', body: '{}' });
    assert.equal(boxed.status, 200);
    assert.match(stderr, /events \[[0-9a-f]{8}\] FC Invoke Start RequestId/);
    const pid = Number(/started events \(pid (\d+)/.exec(stderr)?.[1]);
    assert.ok(pid > 0);
    assert.equal(fcboxContainers(`${HOST_FIXTURES}/s.yaml#`).length, 1);

    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.deepEqual(fs.readFileSync(hookLog, 'utf8').trim().split('\n'), ['pre-stop']);
    assert.deepEqual(await processGroup(pid), [], 'no server process left');
    assert.deepEqual(fcboxContainers(`${HOST_FIXTURES}/s.yaml#`), [], 'no container left');
  });

  it('invoke: body on stdout, logs on stderr; exit 0 ok, 1 function error, 3 platform error, 2 usage', async () => {
    const ok = await run(['invoke', 'test/fixtures/host', '--function', 'events', '--event', '{"x":1}'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { body: string }).body, '{"x":1}');
    assert.match(ok.stderr, /FC Invoke End RequestId/);

    const failed = await run(['invoke', 'test/fixtures/host', '--function', 'events', '--event', '{"fail":true}'], env);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /x-fc-status 404/);

    const broken = await run(['invoke', 'test/fixtures/host', '--function', 'broken'], env);
    assert.equal(broken.code, 3);
    assert.match(broken.stderr, /CAExited: The CA process either cannot be started or exited: exit code 1/);
    assert.match(broken.stderr, /fatal: missing configuration DB_URL/);

    const usage = await run(['invoke', 'test/fixtures/host'], env);
    assert.equal(usage.code, 2);
  });

  it('invoke: Ctrl-C during a cold start stops the server (no process group left) and exits 130', async () => {
    const child = spawn(process.execPath, [CLI, 'invoke', 'test/fixtures/host', '--function', 'stuck'], { cwd: ROOT, env: { ...process.env, ...env } });
    let stderr = '';
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const pid = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (c) => {
        stderr += c;
        const m = /started stuck \(pid (\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      child.once('close', () => reject(new Error(`invoke exited early:\n${stderr}`)));
    });
    assert.ok(processGroup(pid).length > 0);
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /SIGINT: stopping stuck/);
    assert.deepEqual(processGroup(pid), [], 'no server process left');
  });
});
