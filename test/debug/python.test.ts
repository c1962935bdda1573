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
import { attachDebugpy, expectStop } from './support/debugpy';
import { breakLine, DEBUG_FIXTURES, writeProject } from './support/fixtures';
import { disconnectCleanly, eventually, hostAddresses, launchSession, Session } from './support/session';

const CODE = path.join(DEBUG_FIXTURES, 'python');
const APP = path.join(CODE, 'app.py');

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

    const initLine = breakLine(APP, 'initialize');
    const invokeLine = breakLine(APP, 'invoke');
    debugpy = await attachDebugpy(configuration, APP, [initLine, invokeLine]);

    await session.dc.customRequest('attached');
    await debugpy.continueRequest({ threadId: await expectStop(debugpy, 'initialize', initLine, APP) });

    const invoked = session.dc.customRequest('invoke', { event: 'ping' });
    await debugpy.continueRequest({ threadId: await expectStop(debugpy, 'handle_invoke', invokeLine, APP) });
    const response = (await invoked) as DebugProtocol.Response;
    assert.deepEqual(JSON.parse(response.body.body), { initialized: true, event: 'ping' });

    await disconnectCleanly(session);
    // debugpy's adapter is a daemon of its own; it leaves once its debuggee and its client are gone.
    await debugpy.stop().catch(() => undefined);
    debugpy = undefined;
    assert.ok(await eventually(async () => (await hostAddresses(connect.port)).length === 0), 'the debug port is closed');
  });
});
