/**
 * The session around the debugger: the configured `invoke` once attached, restart (a new instance, a new attach
 * event), `preStopOnExit: false`, stopOnEntry, attach to a debugger fcbox did not start, and launch errors.
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ATTACH_EVENT, AttachEventBody } from '../../src/debug/configuration';
import { freePort } from '../../src/host/backend';
import { CdpClient } from './support/cdp';
import { DEBUG_FIXTURES, tempDir, writeProject } from './support/fixtures';
import { ADAPTER, eventually, isAlive, launchSession, Session } from './support/session';

const NODE_CODE = path.join(DEBUG_FIXTURES, 'node');
const pidOf = (s: Session, nth = 0) => Number([...s.output.join('').matchAll(/pid=(\d+)/g)][nth]?.[1]);

describe('debug session lifecycle', function () {
  this.timeout(60_000);
  let session: Session | undefined;
  let cdp: CdpClient | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) console.error(session.output.join(''));
    cdp?.close();
    await session?.close();
    session = cdp = undefined;
  });

  it('sends the configured invoke once attached, restarts into a new instance, and skips pre-stop when asked', async () => {
    const fx = await writeProject('node-lifecycle', NODE_CODE, ['node', 'index.js']);
    session = await launchSession({ project: fx.project, function: fx.functionName, backend: 'process', invoke: { event: 'configured' }, preStopOnExit: false });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!session.output.some((o) => o.includes('FC Invoke Start')), 'no invoke before attached');
    await session.dc.customRequest('attached');
    await session.waitForOutput('"event":"configured"');
    const first = pidOf(session);

    const again = session.dc.waitForEvent(ATTACH_EVENT);
    await session.dc.restartRequest({});
    assert.equal(((await again).body as AttachEventBody).language, 'node');
    assert.ok(!isAlive(first), 'the first instance is gone');
    await session.dc.customRequest('attached');
    await session.dc.customRequest('invoke', { event: 'after restart' });
    const second = pidOf(session, 1);
    assert.ok(second && second !== first, 'a new instance');

    await session.disconnect();
    assert.ok(!isAlive(second));
    assert.ok(!session.output.some((o) => o.includes('pre-stop ran')), 'preStopOnExit: false skips pre-stop');
  });

  it('stopOnEntry holds the server at its first line until the debugger resumes it', async () => {
    const fx = await writeProject('node-entry', NODE_CODE, ['node', 'index.js']);
    session = await launchSession({ project: fx.project, function: fx.functionName, backend: 'process', stopOnEntry: true });
    assert.equal(session.attach.configuration.continueOnAttach, false);
    cdp = await CdpClient.connect(session.attach.configuration.port as number);
    await cdp.send('Debugger.enable');
    await cdp.send('Runtime.runIfWaitingForDebugger');
    const paused = await cdp.nextPause();
    assert.equal(paused.reason, 'Break on start');
    assert.ok(!session.output.some((o) => o.includes('ready')), 'the server has not started');
    await cdp.send('Debugger.resume');
    await session.dc.customRequest('attached');
    await session.waitForOutput('pid=');
  });

  // The editor lists the instance when the session starts, so a person can invoke before launch has answered.
  it('holds an invoke sent during launch until the instance is up and the child attached', async () => {
    const fx = await writeProject('node-early-invoke', NODE_CODE, ['node', 'index.js']);
    const dc = new DebugClient('node', ADAPTER, 'fcbox');
    try {
      await dc.start();
      await dc.initializeRequest();
      const event = dc.waitForEvent(ATTACH_EVENT);
      const launched = dc.launchRequest({ project: fx.project, function: fx.functionName, backend: 'process' } as DebugProtocol.LaunchRequestArguments);
      const invoked = dc.customRequest('invoke', { event: 'early' });
      await event;
      await launched;
      await dc.customRequest('attached');
      const response = (await invoked) as DebugProtocol.Response;
      assert.equal(response.body.status, 200);
      assert.deepEqual(JSON.parse(response.body.body), { initialized: true, event: 'early' });
      await dc.disconnectRequest({});
    } finally {
      await dc.stop().catch(() => undefined);
    }
  });

  it('attaches to a debugger it did not start and refuses to drive that instance', async () => {
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, [`--inspect=127.0.0.1:${port}`, '-e', 'setInterval(() => {}, 1000)']);
    const dc = new DebugClient('node', ADAPTER, 'fcbox');
    try {
      await dc.start();
      await dc.initializeRequest();
      const event = dc.waitForEvent(ATTACH_EVENT);
      await eventually(async () => {
        try {
          await dc.attachRequest({ language: 'node', debugPort: port, localRoot: NODE_CODE } as DebugProtocol.AttachRequestArguments);
          return true;
        } catch {
          return false;
        }
      });
      const body = (await event).body as AttachEventBody;
      assert.deepEqual([body.configuration.type, body.configuration.port, body.configuration.localRoot], ['node', port, NODE_CODE]);
      await assert.rejects(dc.customRequest('invoke', {}), /needs a launched function/);
      await dc.stop();
      assert.ok(isAlive(child.pid as number), 'an attached instance is left running');
    } finally {
      child.kill();
    }
  });

  it('fails the launch with the reason and the fix when a command cannot carry the debugger', async () => {
    const fx = await writeProject('python-unwrappable', path.join(DEBUG_FIXTURES, 'python'), ['/bin/sh', '-c', 'python3 app.py']);
    const dc = new DebugClient('node', ADAPTER, 'fcbox');
    try {
      await dc.start();
      await dc.initializeRequest();
      await assert.rejects(
        dc.launchRequest({ project: fx.project, function: fx.functionName, language: 'python', backend: 'process' } as DebugProtocol.LaunchRequestArguments),
        /does not run python directly: \/bin\/sh -c python3 app\.py\nmake the start command the python one/,
      );
    } finally {
      await dc.stop().catch(() => undefined);
    }
  });

  /** A client that has sent `initialize`, for tests that drive requests themselves. */
  async function client(): Promise<DebugClient> {
    const dc = new DebugClient('node', ADAPTER, 'fcbox');
    await dc.start();
    await dc.initializeRequest();
    return dc;
  }

  it('answers a configuration without "project" or "debugPort" with the fix, not as a bug', async () => {
    const dc = await client();
    try {
      await assert.rejects(dc.launchRequest({} as DebugProtocol.LaunchRequestArguments), (e: Error) => /no "project"\nset "project" to the s\.yaml/.test(e.message) && !/bug/.test(e.message));
      await assert.rejects(dc.attachRequest({ language: 'node' } as DebugProtocol.AttachRequestArguments), /needs "debugPort"/);
      await assert.rejects(dc.attachRequest({ debugPort: 9229 } as DebugProtocol.AttachRequestArguments), /needs "language": node, python or java/);
      // The error text reaches the client as written: braces are not format placeholders.
      await assert.rejects(dc.attachRequest({ language: 'node', debugPort: '{port}' } as unknown as DebugProtocol.AttachRequestArguments), /not "\{port\}"/);
    } finally {
      await dc.stop().catch(() => undefined);
    }
  });

  it('reports a configured invoke that fails (an event file not found) in the Debug Console', async () => {
    const fx = await writeProject('node-missing-event', NODE_CODE, ['node', 'index.js']);
    session = await launchSession({ project: fx.project, function: fx.functionName, backend: 'process', invoke: { eventFile: 'no-such-event.json' } });
    await session.dc.customRequest('attached');
    await session.waitForOutput('EventFileNotFound');
    const text = session.output.join('');
    assert.match(text, /the configured invoke failed: EventFileNotFound: cannot read the event file: .*no-such-event\.json\nfix "invoke\.eventFile"/);
  });

  it('a failed restart stops what it started and ends the session', async () => {
    const fx = await writeProject('node-bad-restart', NODE_CODE, ['node', 'index.js']);
    const args = { project: fx.project, function: fx.functionName, backend: 'process' as const };
    session = await launchSession(args);
    await session.dc.customRequest('attached');
    await session.waitForOutput('pid=');
    const first = pidOf(session);
    // The node server never prints a JDWP cue: the restarted instance runs but its debugger is never ready.
    const terminated = session.dc.waitForEvent('terminated', 20_000);
    await assert.rejects(session.dc.restartRequest({ arguments: { ...args, language: 'java', debuggerTimeout: 1500 } } as DebugProtocol.RestartArguments), /java debugger was not ready/);
    await terminated;
    const second = pidOf(session, 1);
    assert.ok(!isAlive(first), 'the first instance is gone');
    assert.ok(second && second !== first, 'the restart started a second instance');
    assert.ok(await eventually(() => !isAlive(second)), 'the half-started instance is stopped');
  });

  it('sends a body that is not UTF-8 as base64, and says so', async () => {
    const dir = tempDir('fcbox-debug-binary-');
    fs.writeFileSync(
      path.join(dir, 'index.js'),
      `require('http').createServer((req, res) => { req.resume(); req.on('end', () => res.end(req.url === '/invoke' ? Buffer.from([0xff, 0x00, 0xfe, 0x7b]) : '')); }).listen(Number(process.env.FC_SERVER_PORT), '0.0.0.0');\n`,
    );
    const fx = await writeProject('node-binary', dir, ['node', 'index.js']);
    session = await launchSession({ project: fx.project, function: fx.functionName, backend: 'process' });
    await session.dc.customRequest('attached');
    const response = (await session.dc.customRequest('invoke', { event: 'x' })) as DebugProtocol.Response;
    assert.equal(response.body.bodyEncoding, 'base64');
    assert.deepEqual([...Buffer.from(response.body.body, 'base64')], [0xff, 0x00, 0xfe, 0x7b]);
    const text = (await session.dc.customRequest('invoke', { event: 'x' }).then(() => session!.output.join('')));
    assert.match(text, /\(4 bytes of binary data\)/);
  });

  it('passes the settings forwarded as launch arguments: startupTimeout and credentials', async () => {
    const dir = tempDir('fcbox-debug-settings-');
    fs.writeFileSync(
      path.join(dir, 'index.js'),
      `require('http').createServer((req, res) => { req.resume(); req.on('end', () => res.end(String(process.env.ALIBABA_CLOUD_ACCESS_KEY_ID))); }).listen(Number(process.env.FC_SERVER_PORT), '0.0.0.0');\n`,
    );
    const fx = await writeProject('node-settings', dir, ['node', 'index.js']);
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'LTAI-from-the-environment';
    try {
      session = await launchSession({ project: fx.project, function: fx.functionName, backend: 'process', credentials: 'environment' });
    } finally {
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
    }
    await session.dc.customRequest('attached');
    const response = (await session.dc.customRequest('invoke', { event: 'x' })) as DebugProtocol.Response;
    assert.equal(response.body.body, 'LTAI-from-the-environment');
    await session.disconnect();

    // A server that never listens fails within startupTimeout, not the platform's 120 s.
    const silent = await writeProject('node-silent', dir, ['node', '-e', 'setInterval(() => {}, 1000)']);
    session = await launchSession({ project: silent.project, function: silent.functionName, backend: 'process', startupTimeout: 1500 });
    const terminated = session.dc.waitForEvent('terminated', 10_000);
    await session.dc.customRequest('attached');
    await terminated;
    assert.match(session.output.join(''), /1\.5 ?s/);
  });
});
