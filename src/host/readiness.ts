/**
 * Waits until a freshly started server can take requests the way the platform checks it: something accepts TCP
 * connections on the configured port from outside the instance. Fails early, with the platform's error, when the
 * server exits, binds loopback only, or listens on another port (seed 001 §7.2.1, §7.2.2; seed 004).
 */
import * as net from 'node:net';
import { FcboxError } from '../spec/errors';
import { RunningServer } from './backend';
import { exitedBeforeReady, loopbackOnly, neverListened, scfNotListening, wrongPort } from './faults';
import { classify, ListeningSocket } from './sockets';
import { LogLine, RunSpec } from './types';
import { setTimeout as delay } from 'node:timers/promises';

/** A server that listens elsewhere for this long, and not on its port, is on the wrong port (debug ports excluded). */
const WRONG_PORT_GRACE_MS = 1000;
/** Reading /proc/net/tcp walks the kernel's whole socket table (~10 ms here): only every so often while waiting. */
const SCAN_EVERY_MS = 200;
/** Docker's userland proxy accepts and then closes at once when nothing listens behind it. */
const PROXY_HOLD_MS = 30;

/** Rejects with `signal.reason` within one poll once `signal` is aborted (the instance was stopped meanwhile). */
export async function waitUntilReady(server: RunningServer, spec: RunSpec, platform: 'fc' | 'scf', logs: () => LogLine[], signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + spec.startupTimeoutMs;
  const port = spec.server.containerPort;
  const ignored = new Set(spec.extraPorts.map((p) => p.containerPort));
  let exit: Awaited<RunningServer['exited']> | undefined;
  void server.exited.then((e) => (exit = e));
  let lastScan = 0;
  let elsewhereSince: number | undefined;
  let elsewhere: ListeningSocket[] = [];

  /** Fails on loopback-only or a lingering wrong port; returns whether the scan saw the port reachable. */
  const scan = (sockets: ListeningSocket[]): boolean => {
    const own = classify(sockets, port);
    if (own.state === 'loopback') throw loopbackOnly(port, own.address as string, logs());
    const now = Date.now();
    elsewhere = sockets.filter((s) => s.port !== port && !ignored.has(s.port));
    elsewhereSince = elsewhere.length ? (elsewhereSince ?? now) : undefined;
    if (own.state === 'absent' && elsewhereSince !== undefined && now - elsewhereSince >= WRONG_PORT_GRACE_MS) {
      throw wrongPort(port, [...new Set(elsewhere.map((s) => s.port))], logs());
    }
    return own.state === 'reachable';
  };

  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    if (exit) throw exitedBeforeReady(exit, logs());
    if (server.proxied) {
      // Behind docker's proxy a connection proves little: trust the container's own socket table when readable.
      const sockets = server.listening();
      if (sockets ? scan(sockets) && (await accepts(server.host, server.port, 0)) : await accepts(server.host, server.port, PROXY_HOLD_MS)) return;
    } else {
      if (await accepts(server.host, server.port, 0)) {
        // Here loopback works, so the connection cannot tell 0.0.0.0 from 127.0.0.1: the kernel's table of bound
        // addresses can, and we send traffic to 127.0.0.1 only. Without /proc (macOS, Windows) nothing cheap can
        // (lsof/netstat cost a process and per-OS parsing, 127.0.0.2 is not even configured on macOS), so the check
        // is skipped there: the docker backend still catches it, and deploying would fail with this same error.
        const own = classify(server.bound() ?? [], port);
        if (own.state === 'loopback') throw loopbackOnly(port, own.address as string, logs());
        return;
      }
      if (Date.now() - lastScan >= SCAN_EVERY_MS) {
        lastScan = Date.now();
        const sockets = server.listening();
        if (sockets) scan(sockets);
      }
    }
    if (Date.now() >= deadline) {
      if (exit) throw exitedBeforeReady(exit, logs());
      if (elsewhere.length) throw wrongPort(port, [...new Set(elsewhere.map((s) => s.port))], logs());
      throw notStarted(platform, port, spec.startupTimeoutMs, logs());
    }
    // Poll fast at first: the cold-start overhead budget is tens of milliseconds.
    await delay(attempt < 100 ? 2 : 50);
  }
}

function notStarted(platform: 'fc' | 'scf', port: number, timeoutMs: number, logs: LogLine[]): FcboxError {
  return platform === 'scf' ? scfNotListening(timeoutMs, logs) : neverListened(port, timeoutMs, logs);
}

/** Connects; with `holdMs`, the connection must also stay open that long. */
export function accepts(host: string, port: number, holdMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let timer: NodeJS.Timeout | undefined;
    const done = (ok: boolean) => {
      if (timer) clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(ok);
    };
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
    socket.once('end', () => done(false));
    socket.once('connect', () => {
      if (holdMs === 0) return done(true);
      timer = setTimeout(() => done(true), holdMs);
    });
  });
}

