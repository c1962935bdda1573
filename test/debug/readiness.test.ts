/** Debugger readiness: the cue and the probe are both needed; failures and timeouts say what was waited for. */
import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FcboxError } from '../../src/spec/errors';
import { profileFor } from '../../src/debug/profiles';
import { waitForDebugger } from '../../src/debug/readiness';

/** A stand-in for the instance's output stream. */
function output(): { subscribe: (l: (text: string) => void) => () => void; print: (text: string) => void } {
  const e = new EventEmitter();
  return {
    subscribe: (l) => (e.on('line', l), () => e.off('line', l)),
    print: (text) => e.emit('line', text),
  };
}

/** Something that answers like Node's inspector on /json/version (a real HTTP server on 127.0.0.1). */
async function inspectorLike(): Promise<{ port: number; close: () => void }> {
  const server = http.createServer((_, res) => res.end('{}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

describe('debugger readiness', () => {
  const node = profileFor('node');

  it('waits for the cue even when the port already answers', async () => {
    const inspector = await inspectorLike();
    const out = output();
    let ready = false;
    const waiting = waitForDebugger({ profile: node, port: inspector.port, subscribe: out.subscribe, timeoutMs: 5000 }).then(() => (ready = true));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(ready, false);
    out.print('Debugger listening on ws://127.0.0.1:1/x');
    await waiting;
    inspector.close();
  });

  it('times out naming the cue and the port it waited for, with the last output', async () => {
    const out = output();
    const waiting = waitForDebugger({ profile: node, port: 1, subscribe: out.subscribe, timeoutMs: 300 });
    out.print('Debugger listening on ws://0.0.0.0:9229/x');
    await assert.rejects(waiting, (e: FcboxError) => {
      assert.equal(e.code, 'DebuggerNotReady');
      assert.match(e.message, /"Debugger listening on ws:\/\/…" in the function's output \(seen\) and for 127\.0\.0\.1:1 to answer/);
      assert.match(e.details ?? '', /Debugger listening/);
      return true;
    });
  });

  it('fails at once on a line that says the debugger cannot start', async () => {
    const out = output();
    const waiting = waitForDebugger({ profile: node, port: 1, subscribe: out.subscribe, timeoutMs: 10_000 });
    out.print('Starting inspector on 127.0.0.1:9229 failed: address already in use');
    await assert.rejects(waiting, (e: FcboxError) => e.code === 'DebuggerNotStarted');
  });

  it('gives up when the instance does', async () => {
    const out = output();
    const abandoned = Promise.reject(new FcboxError('CAExited', 'exited'));
    await assert.rejects(waitForDebugger({ profile: profileFor('java'), port: 1, subscribe: out.subscribe, timeoutMs: 10_000, abandoned }), (e: FcboxError) => e.code === 'CAExited');
  });

  it('needs only the cue for debuggers that must not be probed (debugpy, JDWP)', async () => {
    const out = output();
    const waiting = waitForDebugger({ profile: profileFor('java'), port: 1, subscribe: out.subscribe, timeoutMs: 5000 });
    out.print('Listening for transport dt_socket at address: 5005');
    await waiting;
  });

  it('stops probing once the instance gave up after the cue', async () => {
    const out = output();
    let probes = 0;
    const profile = { ...node, probe: async () => (probes++, false) };
    let abandon!: (e: Error) => void;
    const abandoned = new Promise<never>((_, reject) => (abandon = reject));
    const waiting = waitForDebugger({ profile, port: 1, subscribe: out.subscribe, timeoutMs: 10_000, abandoned, retryMs: 20 });
    out.print('Debugger listening on ws://127.0.0.1:1/x');
    await new Promise((r) => setTimeout(r, 100));
    abandon(new FcboxError('CAExited', 'exited'));
    await assert.rejects(waiting, (e: FcboxError) => e.code === 'CAExited');
    const after = probes;
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(probes <= after + 1, `probing went on: ${after} then ${probes}`);
  });
});
