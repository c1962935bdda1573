/**
 * Node functions under the debugger, in a process and in a Docker container: the adapter announces a js-debug
 * attach configuration; a CDP client (as js-debug would) sets breakpoints in the /initialize and /invoke handlers;
 * the first /initialize waits for `attached`; pre-stop runs on disconnect and nothing is left running.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Debuggee, planDebug } from '../../src/debug/debuggee';
import { resolveFromProjectFile } from '../../src/debug/functions';
import { profileFor } from '../../src/debug/profiles';
import { fcboxContainers, nodeBaseImage } from '../support/images';
import { CdpClient, PausedEvent } from './support/cdp';
import { breakLine, DEBUG_FIXTURES, writeProject } from './support/fixtures';
import { eventually, hostAddresses, isAlive, launchSession, Session } from './support/session';

const CODE = path.join(DEBUG_FIXTURES, 'node');
const INDEX = path.join(CODE, 'index.js');

function assertPausedAt(cdp: CdpClient, event: PausedEvent, functionName: string, line: number, url: string): void {
  const top = event.callFrames[0];
  assert.equal(event.reason, 'other');
  assert.equal(event.hitBreakpoints?.length, 1);
  assert.equal(top.functionName, functionName);
  assert.equal(top.location.lineNumber + 1, line);
  assert.equal(cdp.scriptUrl(top.location.scriptId), url);
}

for (const backend of ['process', 'docker'] as const) {
  describe(`debugging a Node function (${backend})`, function () {
    this.timeout(60_000);
    let session: Session | undefined;
    let cdp: CdpClient | undefined;
    let runtimeImages: Record<string, string> | undefined;

    before(function () {
      if (backend === 'docker') runtimeImages = { 'custom.debian10': nodeBaseImage() };
    });

    afterEach(async function () {
      // The adapter's output is the debuggee's log: the first thing to read when this fails in CI.
      if (this.currentTest?.state === 'failed' && session) console.error(session.output.join(''));
      cdp?.close();
      await session?.close();
      session = cdp = undefined;
    });

    it('stops in the initializer and the handler, then runs pre-stop and leaves nothing running', async () => {
      const fx = await writeProject(`node-${backend}`, CODE, ['node', 'index.js']);
      session = await launchSession({ project: fx.project, function: fx.functionName, backend, runtimeImages });
      const { configuration } = session.attach;
      const remoteRoot = backend === 'docker' ? '/code' : CODE;
      assert.equal(session.attach.language, 'node');
      assert.equal(configuration.type, 'node');
      assert.equal(configuration.request, 'attach');
      assert.equal(configuration.address, '127.0.0.1');
      assert.equal(configuration.localRoot, CODE);
      assert.equal(configuration.remoteRoot, remoteRoot);
      assert.equal(configuration.continueOnAttach, true);
      // The adapter forwards the instance's stdout/stderr; js-debug must not repeat console API calls (src/debug/profiles/node.ts).
      assert.equal(configuration.outputCapture, 'std');
      const port = configuration.port as number;
      assert.deepEqual(await hostAddresses(port), ['127.0.0.1'], 'the inspector is published on loopback only');

      cdp = await CdpClient.connect(port);
      await cdp.send('Runtime.enable');
      await cdp.send('Debugger.enable');
      const url = pathToFileURL(path.join(remoteRoot, 'index.js')).href;
      const initLine = breakLine(INDEX, 'initialize');
      const invokeLine = breakLine(INDEX, 'invoke');
      for (const lineNumber of [initLine - 1, invokeLine - 1]) await cdp.send('Debugger.setBreakpointByUrl', { url, lineNumber });
      await cdp.send('Runtime.runIfWaitingForDebugger');

      // Nothing reaches /initialize before the child reports attached.
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(!session.output.some((o) => o.includes('FC Initialize Start')), 'initializer held until attached');
      await session.dc.customRequest('attached');
      assertPausedAt(cdp, await cdp.nextPause(), 'initialize', initLine, url);
      await cdp.send('Debugger.resume');

      const invoked = session.dc.customRequest('invoke', { event: { hello: 'world' } });
      assertPausedAt(cdp, await cdp.nextPause(), 'handleInvoke', invokeLine, url);
      await cdp.send('Debugger.resume');
      const response = (await invoked) as DebugProtocol.Response;
      assert.equal(response.body.status, 200);
      assert.deepEqual(JSON.parse(response.body.body), { initialized: true, event: '{"hello":"world"}' });
      await session.waitForOutput('FC Invoke End RequestId');

      const pid = Number(/pid=(\d+)/.exec(session.output.join(''))?.[1]);
      await session.disconnect();
      assert.ok(session.output.some((o) => o.includes('pre-stop ran')), 'pre-stop ran on disconnect');
      if (backend === 'process') assert.ok(!isAlive(pid), `process ${pid} is gone`);
      else assert.deepEqual(fcboxContainers(fx.functionId), [], 'no container left');
      assert.ok(await eventually(async () => (await hostAddresses(port)).length === 0), 'the debug port is closed');
    });
  });
}

describe('the debugger port docker publishes', function () {
  this.timeout(60_000);

  // planDebug picks a free port, but something may take it before the container starts; docker then publishes
  // another, and the probe and the attach configuration must follow it.
  it('attaches to the port actually published when the planned one was taken meanwhile', async () => {
    const fx = await writeProject('node-port-taken', CODE, ['node', 'index.js']);
    const fn = await resolveFromProjectFile(fx.project, fx.functionName);
    const args = { project: fx.project, backend: 'docker' as const, runtimeImages: { 'custom.debian10': nodeBaseImage() } };
    const plan = await planDebug(fn, args);
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(plan.hostPort, '127.0.0.1', r));
    const debuggee = new Debuggee(fn, args, plan);
    try {
      const { attach } = await debuggee.start();
      const port = attach.configuration.port as number;
      assert.notEqual(port, plan.hostPort);
      assert.deepEqual(await hostAddresses(port), ['127.0.0.1']);
      assert.ok(await profileFor('node').probe!(port), 'the inspector answers on the published port');
    } finally {
      squatter.close();
      await debuggee.stop(false);
    }
    assert.deepEqual(fcboxContainers(fx.functionId), [], 'no container left');
  });
});
