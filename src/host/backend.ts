/**
 * The one interface both ways of running a server share. Instance drives it; it knows nothing about FC.
 */
import * as net from 'node:net';
import { RunSpec } from './types';
import { ListeningSocket } from './sockets';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Why it could not even start (spawn / container start error). */
  error?: string;
}

export interface RunningServer {
  /** Where fcbox reaches the server (always loopback). */
  readonly host: string;
  readonly port: number;
  /** Host ports actually used for `RunSpec.extraPorts`, in the same order (docker may fall back to free ports). */
  readonly extraHostPorts: number[];
  /** Resolves once the server is gone, whether it exited, crashed or was stopped. */
  readonly exited: Promise<ExitInfo>;
  /** "pid 1234" / "container 3f2a…", for messages. */
  readonly description: string;
  /**
   * True when an accepted connection may still be a proxy's (docker's userland proxy accepts before the
   * container does), so readiness must see the connection survive a moment.
   */
  readonly proxied: boolean;
  /** LISTEN sockets of the server; undefined when they cannot be read (remote engine, not Linux). */
  listening(): ListeningSocket[] | undefined;
  /**
   * LISTEN sockets on the server's port in its network namespace, whoever owns them: one bounded read of
   * /proc/<pid>/net/tcp and tcp6, without `listening()`'s walk over the process group's fds. Undefined without /proc.
   */
  bound(): ListeningSocket[] | undefined;
  /** Kills the server and everything it started; resolves when nothing is left. */
  stop(): Promise<void>;
}

export interface BackendIO {
  output(stream: 'stdout' | 'stderr', chunk: Buffer | null): void;
  progress(message: string): void;
  /**
   * Aborted when the instance is stopped before start() resolved: start() then rejects with `signal.reason` at its
   * next step and leaves nothing behind (an image pull is cut short).
   */
  signal?: AbortSignal;
}

export interface Backend {
  start(spec: RunSpec, io: BackendIO): Promise<RunningServer>;
}

/**
 * True when nothing listens on 127.0.0.1:`port`. The probe itself stays on loopback; on Linux it also collides
 * with a listener on 0.0.0.0 or ::, which is what the process backend must know before the user's server binds.
 */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port the OS picks on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The stable port when it is free, else any free port. */
export async function preferredPort(port: number): Promise<number> {
  return (await portIsFree(port)) ? port : freePort();
}
