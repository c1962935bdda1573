/**
 * The session around the debugger: the configured `invoke` once attached, restart (a new instance, a new attach
 * event), `preStopOnExit: false`, stopOnEntry, attach to a debugger fcbox did not start, and launch errors.
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ATTACH_EVENT, AttachEventBody } from '../../src/debug/configuration';
import { freePort } from '../../src/host/backend';
import { CdpClient } from './support/cdp';
import { DEBUG_FIXTURES, writeProject } from './support/fixtures';
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
});
