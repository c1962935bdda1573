/**
 * Python (debugpy) and Java (JDWP) functions debugged in a Docker container, as node.test.ts does for Node: a
 * custom runtime whose code is mounted at /code, run from a local image holding Debian's python3 + python3-debugpy
 * or a JDK 17 runtime (test/support/images.ts). What the container changes is checked on top of the process-mode
 * walk: the attach configuration names the port published on the host's 127.0.0.1, and Python's path mapping
 * takes the local code to /code.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fcboxContainers, javaDebugImage, pythonDebugImage } from '../support/images';
import { attachDebugpy, detachDebugpy, expectStop } from './support/debugpy';
import { breakLine, compileJavaFixture, DEBUG_FIXTURES, FixtureProject, writeProject } from './support/fixtures';
import { Jdb } from './support/jdb';
import { eventually, hostAddresses, launchSession, Session } from './support/session';

const PYTHON_CODE = path.join(DEBUG_FIXTURES, 'python');
const APP = path.join(PYTHON_CODE, 'app.py');
const JAVA_SOURCE = path.join(DEBUG_FIXTURES, 'java', 'Server.java');

describe('debugging in a Docker container (Python, Java)', function () {
  this.timeout(60_000);
  let session: Session | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) console.error(session.output.join(''));
    await session?.close();
    session = undefined;
  });

  /** Launches `command` in a container of `image`; the debugger's port, published on the host's loopback only. */
  async function launch(name: string, codeDir: string, command: string[], image: string): Promise<{ fx: FixtureProject; port: number }> {
    const fx = await writeProject(name, codeDir, command);
    session = await launchSession({ project: fx.project, function: fx.functionName, backend: 'docker', runtimeImages: { 'custom.debian10': image } });
    const { configuration } = session.attach;
    const port = ((configuration.connect as { port?: number } | undefined)?.port ?? configuration.port) as number;
    assert.deepEqual(await hostAddresses(port), ['127.0.0.1'], 'the debug port is published on loopback only');
    return { fx, port };
  }

  /** Ends the session: pre-stop ran, the container is gone and so is the published port. */
  async function disconnect(fx: FixtureProject, port: number): Promise<void> {
    await session!.disconnect();
    assert.ok(session!.output.some((o) => o.includes('pre-stop ran')), 'pre-stop ran on disconnect');
    assert.deepEqual(fcboxContainers(fx.functionId), [], 'no container left');
    assert.ok(await eventually(async () => (await hostAddresses(port)).length === 0), 'the debug port is closed');
  }

  describe('Python, debugpy', () => {
    let image: string;
    let debugpy: DebugClient | undefined;

    before(function () {
      this.timeout(60_000); // the first run builds the image (about 5 s on 2 cores)
      image = pythonDebugImage();
    });

    afterEach(async () => {
      await (debugpy && detachDebugpy(debugpy).catch(() => undefined));
      debugpy = undefined;
    });

    it('maps the local code to /code and stops in the initializer and the handler', async () => {
      const { fx, port } = await launch('python-docker', PYTHON_CODE, ['python3', 'app.py'], image);
      const { configuration } = session!.attach;
      assert.equal(session!.attach.language, 'python');
      assert.equal(configuration.type, 'debugpy');
      assert.equal(configuration.request, 'attach');
      assert.deepEqual(configuration.connect, { host: '127.0.0.1', port });
      assert.deepEqual(configuration.pathMappings, [{ localRoot: PYTHON_CODE, remoteRoot: '/code' }]);

      const initLine = breakLine(APP, 'initialize');
      const invokeLine = breakLine(APP, 'invoke');
      debugpy = await attachDebugpy(configuration, APP, [initLine, invokeLine]);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(!session!.output.some((o) => o.includes('FC Initialize Start')), 'initializer held until attached');

      await session!.dc.customRequest('attached');
      // Local paths both ways: debugpy maps breakpoints to /code/app.py and stack frames back to APP.
      await debugpy.continueRequest({ threadId: await expectStop(debugpy, 'initialize', initLine, APP) });
      const invoked = session!.dc.customRequest('invoke', { event: 'ping' });
      await debugpy.continueRequest({ threadId: await expectStop(debugpy, 'handle_invoke', invokeLine, APP) });
      const response = (await invoked) as DebugProtocol.Response;
      assert.deepEqual(JSON.parse(response.body.body), { initialized: true, event: 'ping' });

      // As VS Code ends the child session with its parent: the child detaches, then the adapter stops the instance.
      await detachDebugpy(debugpy);
      debugpy = undefined;
      await disconnect(fx, port);
    });
  });

  describe('Java, JDWP', () => {
    let image: string;
    let codeDir: string;
    let jdb: Jdb | undefined;

    before(function () {
      this.timeout(60_000); // the first run builds the image with jlink (about 5 s on 2 cores)
      codeDir = compileJavaFixture();
      image = javaDebugImage();
    });

    afterEach(() => {
      jdb?.close();
      jdb = undefined;
    });

    it('attaches jdb through the published port and stops in the initializer and the handler', async () => {
      const { fx, port } = await launch('java-docker', codeDir, ['java', '-cp', '/code', 'Server'], image);
      const { configuration } = session!.attach;
      assert.equal(session!.attach.language, 'java');
      assert.equal(configuration.type, 'java');
      assert.equal(configuration.request, 'attach');
      assert.equal(configuration.hostName, '127.0.0.1');
      assert.equal(configuration.port, port);

      // jdb completes the JDWP handshake through docker's proxy, so this is the same check as in process mode.
      jdb = new Jdb(port);
      await jdb.expect(/Initializing jdb|>/);
      const initLine = breakLine(JAVA_SOURCE, 'initialize');
      const invokeLine = breakLine(JAVA_SOURCE, 'invoke');
      await jdb.stopAt('Server', initLine);
      await jdb.stopAt('Server', invokeLine);
      assert.ok(!session!.output.some((o) => o.includes('FC Initialize Start')), 'initializer held until attached');

      await session!.dc.customRequest('attached');
      await jdb.expect(new RegExp(`Breakpoint hit: .*Server\\.initialize\\(\\), line=${initLine} `));
      jdb.send('cont');
      const invoked = session!.dc.customRequest('invoke', { event: 'ping' });
      await jdb.expect(new RegExp(`Breakpoint hit: .*Server\\.handleInvoke\\(\\), line=${invokeLine} `));
      jdb.send('clear');
      jdb.send('cont');
      const response = (await invoked) as DebugProtocol.Response;
      assert.deepEqual(JSON.parse(response.body.body), { initialized: true, event: 'ping' });

      await disconnect(fx, port);
    });
  });
});
