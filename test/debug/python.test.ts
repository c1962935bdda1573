/**
 * A Python function under debugpy (Debian's python3-debugpy): the adapter wraps `python3 app.py` so debugpy
 * listens, announces a `debugpy` attach configuration, and the test speaks DAP to debugpy itself, as the Python
 * extension would: attach, set breakpoints in the initializer and the handler, and see each one hit.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { breakLine, DEBUG_FIXTURES, writeProject } from './support/fixtures';
import { eventually, hostAddresses, isAlive, launchSession, Session } from './support/session';

const CODE = path.join(DEBUG_FIXTURES, 'python');
const APP = path.join(CODE, 'app.py');

/** DebugClient disables its timeouts when it connects to a port; the suite must not hang on a silent debugger. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms))).finally(() => clearTimeout(timer))]);
}

async function expectStop(client: DebugClient, functionName: string, line: number): Promise<number> {
  const stopped = (await within(10_000, `stop in ${functionName}`, client.waitForEvent('stopped'))) as DebugProtocol.StoppedEvent;
  assert.equal(stopped.body.reason, 'breakpoint');
  const threadId = stopped.body.threadId as number;
  const trace = await client.stackTraceRequest({ threadId });
  const top = trace.body.stackFrames[0];
  assert.equal(top.name, functionName);
  assert.equal(top.line, line);
  assert.equal(top.source?.path, APP);
  return threadId;
}

describe('debugging a Python function (process, debugpy)', function () {
  this.timeout(60_000);
  let session: Session | undefined;
  let debugpy: DebugClient | undefined;

  before(() => {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import debugpy']);
    } catch {
      throw new Error('these tests need Debian\'s debugpy for /usr/bin/python3: apt-get install python3-debugpy');
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) console.error(session.output.join(''));
    await debugpy?.stop().catch(() => undefined);
    await session?.close();
    session = debugpy = undefined;
  });

  it('stops in the initializer and the handler, then runs pre-stop and leaves nothing running', async () => {
    const fx = await writeProject('python-process', CODE, ['python3', 'app.py']);
    session = await launchSession({ project: fx.project, function: fx.functionName, backend: 'process' });
    const { configuration } = session.attach;
    assert.equal(session.attach.language, 'python');
    assert.equal(configuration.type, 'debugpy');
    const connect = configuration.connect as { host: string; port: number };
    assert.equal(connect.host, '127.0.0.1');
    assert.deepEqual(configuration.pathMappings, [{ localRoot: CODE, remoteRoot: CODE }]);
    assert.deepEqual(await hostAddresses(connect.port), ['127.0.0.1'], 'debugpy listens on loopback only');

    debugpy = new DebugClient('python', '', 'debugpy');
    await debugpy.start(connect.port);
    await within(10_000, 'debugpy initialize', debugpy.initializeRequest({ adapterID: 'debugpy', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true }));
    const initialized = debugpy.waitForEvent('initialized');
    const attached = debugpy.attachRequest(configuration as DebugProtocol.AttachRequestArguments);
    await within(10_000, 'debugpy initialized', initialized);
    const initLine = breakLine(APP, 'initialize');
    const invokeLine = breakLine(APP, 'invoke');
    const set = await debugpy.setBreakpointsRequest({ source: { path: APP }, breakpoints: [{ line: initLine }, { line: invokeLine }] });
    assert.ok(set.body.breakpoints.every((b) => b.verified), 'breakpoints verified');
    await debugpy.configurationDoneRequest();
    await within(10_000, 'debugpy attach', attached);

    await session.dc.customRequest('attached');
    await debugpy.continueRequest({ threadId: await expectStop(debugpy, 'initialize', initLine) });

    const invoked = session.dc.customRequest('invoke', { event: 'ping' });
    await debugpy.continueRequest({ threadId: await expectStop(debugpy, 'handle_invoke', invokeLine) });
    const response = (await invoked) as DebugProtocol.Response;
    assert.deepEqual(JSON.parse(response.body.body), { initialized: true, event: 'ping' });

    const pid = Number(/pid=(\d+)/.exec(session.output.join(''))?.[1]);
    await session.disconnect();
    assert.ok(session.output.some((o) => o.includes('pre-stop ran')), 'pre-stop ran on disconnect');
    assert.ok(!isAlive(pid), `process ${pid} is gone`);
    // debugpy's adapter is a daemon of its own; it leaves once its debuggee and its client are gone.
    await debugpy.stop().catch(() => undefined);
    debugpy = undefined;
    assert.ok(await eventually(async () => (await hostAddresses(connect.port)).length === 0), 'the debug port is closed');
  });
});
