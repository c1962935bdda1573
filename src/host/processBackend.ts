/**
 * Runs a custom runtime's start command as a plain process: argv array (never a shell), its own process group so
 * stop() takes the whole tree with it.
 */
import { spawn } from 'node:child_process';
import { FcboxError } from '../spec/errors';
import { Backend, BackendIO, ExitInfo, RunningServer, portIsFree } from './backend';
import { listeningSockets, processGroup, socketInodes } from './sockets';
import { RunSpec } from './types';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Which function holds which port in this process: processes share the host's ports, so two functions on 9000
 * cannot run side by side (design.md §2) and the user should learn which one is in the way.
 */
const claims = new Map<number, string>();

export class ProcessBackend implements Backend {
  async start(spec: RunSpec, io: BackendIO): Promise<RunningServer> {
    const port = spec.server.containerPort;
    const holder = claims.get(port);
    if (holder !== undefined && holder !== spec.functionId) {
      throw new FcboxError(
        'PortInUse',
        `port ${port} is already used by function ${holder}`,
        'run one of them at a time, give them different ports, or use --backend docker (each container has its own ports)',
      );
    }
    if (!(await portIsFree(port))) {
      throw new FcboxError('PortInUse', `port ${port} is already in use by another program`, `stop it (\`ss -ltnp 'sport = :${port}'\` shows which), or use --backend docker`);
    }
    io.signal?.throwIfAborted();
    const argv = spec.argv as string[];
    const child = spawn(argv[0], argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Claimed only once spawn() returned: a synchronous throw (an argument it rejects) would leave the port held by a
    // function that never ran. From here on the exit below releases it.
    claims.set(port, spec.functionId);
    const pid = child.pid;
    child.stdout.on('data', (c: Buffer) => io.output('stdout', c));
    child.stderr.on('data', (c: Buffer) => io.output('stderr', c));
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once('error', (e) => resolve({ code: null, signal: null, error: `${e.message}` }));
      // 'exit', not 'close': the pipes close only when every process holding them has gone, and a child the server
      // daemonized into a session of its own (setsid) escapes the group kill and may hold them forever.
      child.once('exit', (code, signal) => {
        const closed = new Promise((r) => child.once('close', r));
        // What the server printed before it died is still in the pipes: read it for a moment, then let go.
        void Promise.race([closed, delay(PIPE_GRACE_MS)]).then(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          io.output('stdout', null);
          io.output('stderr', null);
          resolve({ code, signal });
        });
      });
    }).then((info) => {
      if (claims.get(port) === spec.functionId) claims.delete(port);
      // The leader is gone; whatever it left running in its group goes too.
      if (pid) killGroup(pid);
      return info;
    });
    return {
      host: '127.0.0.1',
      port,
      extraHostPorts: spec.extraPorts.map((p) => p.containerPort),
      exited,
      description: `pid ${pid ?? '?'}`,
      proxied: false,
      listening() {
        return pid ? listeningSockets(process.pid, socketInodes(processGroup(pid))) : undefined;
      },
      // The server shares our network namespace, and start() saw its port free: whatever listens there is its.
      bound: () => listeningSockets(process.pid, undefined, port),
      async stop() {
        if (pid) killGroup(pid);
        await exited;
        if (pid) await waitGroupGone(pid);
      },
    };
  }
}

/** How long output is still read after the server exited, when something else keeps its pipes open. */
const PIPE_GRACE_MS = 200;

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function waitGroupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (processGroup(pgid).length === 0) return;
    await delay(20);
  }
}
