import * as assert from 'node:assert/strict';
/** Drives dist/debugAdapter.js as VS Code would, through @vscode/debugadapter-testsupport's DebugClient. */
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ATTACH_EVENT, AttachEventBody, LaunchArguments } from '../../../src/debug/configuration';
import { listeningSockets } from '../../../src/host/sockets';

export const ADAPTER = path.resolve(__dirname, '../../../dist/debugAdapter.js');

export interface Session {
  dc: DebugClient;
  attach: AttachEventBody;
  /** From sending `launch` to receiving the attach event. */
  launchToAttachMs: number;
  /** Every output event's text so far. */
  output: string[];
  /** Resolves when an output line containing `text` arrives. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Ends the session as VS Code does (`disconnect`); the adapter process exits after answering. */
  disconnect(): Promise<void>;
  /** For afterEach: ends the session unless the test did. */
  close(): Promise<void>;
}

export async function launchSession(args: LaunchArguments & { name?: string }, timeoutMs = 30_000): Promise<Session> {
  const dc = new DebugClient('node', ADAPTER, 'fcbox');
  dc.defaultTimeout = timeoutMs;
  const output: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => {
    output.push(e.body.output);
    for (const w of waiters.filter((w) => e.body.output.includes(w.text))) w.resolve();
  });
  await dc.start();
  await dc.initializeRequest({ adapterID: 'fcbox', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const attached = dc.waitForEvent(ATTACH_EVENT, timeoutMs);
  const sent = performance.now();
  const launched = dc.launchRequest({ name: 'test', ...args } as DebugProtocol.LaunchRequestArguments);
  // The debuggee's log says why its debugger never listened; without it a CI failure is only "no event".
  // A launch that fails (the instance exited) answers with its error before any attach event would time out.
  const attach = (
    await Promise.race([attached, launched.then(() => attached)]).catch(async (e: Error) => {
      await dc.stop().catch(() => undefined);
      throw new Error(`${e.message}; output:\n${output.join('')}`);
    })
  ).body as AttachEventBody;
  const launchToAttachMs = performance.now() - sent;
  await launched;
  let disconnected = false;
  return {
    dc,
    attach,
    launchToAttachMs,
    output,
    waitForOutput(text, ms = 10_000) {
      if (output.some((o) => o.includes(text))) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output "${text}" within ${ms} ms; got:\n${output.join('')}`)), ms);
        waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    async disconnect() {
      disconnected = true;
      await dc.disconnectRequest({});
    },
    async close() {
      if (!disconnected) await dc.stop().catch(() => undefined);
    },
  };
}

/**
 * Disconnects as VS Code does and asserts what the issue asks of it: pre-stop ran and the server process is gone.
 * Returns the pid the fixture server printed (`pid=N`).
 */
export async function disconnectCleanly(session: Session): Promise<number> {
  const pid = Number(/pid=(\d+)/.exec(session.output.join(''))?.[1]);
  await session.disconnect();
  assert.ok(session.output.some((o) => o.includes('pre-stop ran')), 'pre-stop ran on disconnect');
  assert.ok(!isAlive(pid), `process ${pid} is gone`);
  return pid;
}

/** Addresses the host listens on for `port` (in this machine's network namespace). */
export async function hostAddresses(port: number): Promise<string[]> {
  const sockets = (await listeningSockets(process.pid)) ?? [];
  return sockets.filter((s) => s.port === port).map((s) => s.address);
}

/** Polls `check` until it holds or `ms` pass; returns whether it held. Cleanup is asynchronous (daemons, proxies). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
