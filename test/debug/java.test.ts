/**
 * A Java function under JDWP (the JDK's own agent, switched on through JAVA_TOOL_OPTIONS): the adapter announces
 * a `java` attach configuration and jdb, attached to it, sees breakpoints in the initializer and the handler hit.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { breakLine, compileJavaFixture, DEBUG_FIXTURES, writeProject } from './support/fixtures';
import { Jdb } from './support/jdb';
import { disconnectCleanly, eventually, hostAddresses, launchSession, Session } from './support/session';

const SOURCE = path.join(DEBUG_FIXTURES, 'java', 'Server.java');

describe('debugging a Java function (process, JDWP)', function () {
  this.timeout(60_000);
  let session: Session | undefined;
  let jdb: Jdb | undefined;
  let codeDir: string;

  before(() => {
    try {
      execFileSync('jdb', ['-version']);
    } catch {
      throw new Error('these tests need a JDK (javac, jdb): apt-get install openjdk-17-jdk-headless');
    }
    codeDir = compileJavaFixture();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) console.error(session.output.join(''));
    jdb?.close();
    await session?.close();
    session = jdb = undefined;
  });

  it('stops in the initializer and the handler, then runs pre-stop and leaves nothing running', async () => {
    const fx = await writeProject('java-process', codeDir, ['java', '-cp', codeDir, 'Server']);
    session = await launchSession({ project: fx.project, function: fx.functionName, backend: 'process' });
    const { configuration } = session.attach;
    assert.equal(session.attach.language, 'java');
    assert.equal(configuration.type, 'java');
    assert.equal(configuration.hostName, '127.0.0.1');
    const port = configuration.port as number;
    assert.deepEqual(await hostAddresses(port), ['127.0.0.1'], 'JDWP listens on loopback only');

    jdb = new Jdb(port);
    await jdb.expect(/Initializing jdb|>/);
    const initLine = breakLine(SOURCE, 'initialize');
    const invokeLine = breakLine(SOURCE, 'invoke');
    jdb.send(`stop at Server:${initLine}`);
    await jdb.expect(/Set breakpoint Server:\d+/);
    jdb.send(`stop at Server:${invokeLine}`);
    await jdb.expect(/Set breakpoint Server:\d+/);

    await session.dc.customRequest('attached');
    await jdb.expect(new RegExp(`Breakpoint hit: .*Server\\.initialize\\(\\), line=${initLine} `));
    jdb.send('cont');

    const invoked = session.dc.customRequest('invoke', { event: 'ping' });
    await jdb.expect(new RegExp(`Breakpoint hit: .*Server\\.handleInvoke\\(\\), line=${invokeLine} `));
    jdb.send('clear');
    jdb.send('cont');
    const response = (await invoked) as DebugProtocol.Response;
    assert.deepEqual(JSON.parse(response.body.body), { initialized: true, event: 'ping' });

    await disconnectCleanly(session);
    assert.ok(await eventually(async () => (await hostAddresses(port)).length === 0), 'the debug port is closed');
  });
});
