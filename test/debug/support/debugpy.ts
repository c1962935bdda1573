/**
 * Speaks DAP to debugpy itself, as the Python extension does with the attach configuration the adapter announces:
 * connect, initialize, attach, set breakpoints, configurationDone; then see each stop.
 */
import * as assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** DebugClient disables its timeouts when it connects to a port; the suite must not hang on a silent debugger. */
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms))).finally(() => clearTimeout(timer))]);
}

/** A DebugClient attached to debugpy at `configuration.connect`, with `lines` of `file` as verified breakpoints. */
export async function attachDebugpy(configuration: Record<string, unknown>, file: string, lines: number[]): Promise<DebugClient> {
  const { port } = configuration.connect as { host: string; port: number };
  const debugpy = new DebugClient('python', '', 'debugpy');
  await debugpy.start(port);
  try {
    await within(10_000, 'debugpy initialize', debugpy.initializeRequest({ adapterID: 'debugpy', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true }));
    const initialized = debugpy.waitForEvent('initialized');
    const attached = debugpy.attachRequest(configuration as DebugProtocol.AttachRequestArguments);
    await within(10_000, 'debugpy initialized', initialized);
    const set = await debugpy.setBreakpointsRequest({ source: { path: file }, breakpoints: lines.map((line) => ({ line })) });
    assert.ok(set.body.breakpoints.every((b) => b.verified), 'breakpoints verified');
    await debugpy.configurationDoneRequest();
    await within(10_000, 'debugpy attach', attached);
    return debugpy;
  } catch (e) {
    await debugpy.stop().catch(() => undefined);
    throw e;
  }
}

/** Waits for a breakpoint stop in `functionName` at `file:line` (a local path: debugpy maps it back); its thread. */
export async function expectStop(client: DebugClient, functionName: string, line: number, file: string): Promise<number> {
  const stopped = (await within(10_000, `stop in ${functionName}`, client.waitForEvent('stopped'))) as DebugProtocol.StoppedEvent;
  assert.equal(stopped.body.reason, 'breakpoint');
  const threadId = stopped.body.threadId as number;
  const trace = await client.stackTraceRequest({ threadId });
  const top = trace.body.stackFrames[0];
  assert.equal(top.name, functionName);
  assert.equal(top.line, line);
  assert.equal(top.source?.path, file);
  return threadId;
}

/**
 * Detaches from debugpy (DAP `disconnect`; the debuggee runs on) and closes the connection. DebugClient.stop()
 * waits for that answer without a timeout, and a debugpy whose container is gone never gives it.
 */
export function detachDebugpy(client: DebugClient, ms = 5000): Promise<void> {
  return within(ms, 'debugpy disconnect', client.stop());
}
