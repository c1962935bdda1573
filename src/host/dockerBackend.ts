/**
 * Runs an instance in a container through the Docker engine API (dockerode, which honours DOCKER_HOST /
 * DOCKER_TLS_VERIFY / DOCKER_CERT_PATH). Ports are published on 127.0.0.1 only; containers carry labels so a
 * later run can find and remove what a crashed one left behind.
 */
import * as os from 'node:os';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { FcboxError } from '../spec/errors';
import { Backend, BackendIO, ExitInfo, RunningServer, preferredPort } from './backend';
import { caExited, caFilePermission } from './faults';
import { listeningSockets } from './sockets';
import { RunSpec } from './types';
import { setTimeout as delay } from 'node:timers/promises';

const OWNER_LABEL = 'fcbox.owner';
const OWNER = `${os.hostname()}/${process.pid}`;

let shared: Docker | undefined;

/** One client per process; a bad DOCKER_HOST is the user's to fix, not a stack trace. */
export function dockerClient(): Docker {
  if (!shared) {
    try {
      shared = new Docker();
    } catch (e) {
      throw new FcboxError('DockerUnavailable', `cannot use DOCKER_HOST: ${(e as Error).message}`, 'set DOCKER_HOST to unix:///var/run/docker.sock or tcp://host:2375, or unset it');
    }
  }
  return shared;
}

/** Fails with one line saying what is wrong with the engine and what to do. */
export async function ensureDocker(docker = dockerClient()): Promise<void> {
  try {
    await docker.ping();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const where = process.env.DOCKER_HOST ?? '/var/run/docker.sock';
    if (err.code === 'EACCES') {
      throw new FcboxError('DockerUnavailable', `permission denied on ${where}`, 'add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again), or use --backend process');
    }
    if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
      throw new FcboxError(
        'DockerUnavailable',
        `Docker is not running or not installed (nothing answers at ${where})`,
        'start Docker (Docker Desktop, or `sudo systemctl start docker`), install it from https://docs.docker.com/get-docker/, or use --backend process for custom runtimes',
      );
    }
    throw new FcboxError('DockerUnavailable', `the Docker engine at ${where} does not answer: ${err.message}`, 'check that Docker is running and DOCKER_HOST is right');
  }
}

/** What the debugger needs from an image: its own entrypoint, command and working dir (design.md §4). */
export async function inspectImage(image: string, docker = dockerClient()): Promise<{ entrypoint: string[]; cmd: string[]; workingDir: string }> {
  const info = await docker.getImage(image).inspect();
  const list = (v: string | string[] | undefined | null) => (v == null ? [] : Array.isArray(v) ? v : [v]);
  return { entrypoint: list(info.Config.Entrypoint), cmd: list(info.Config.Cmd), workingDir: info.Config.WorkingDir || '/' };
}

export class DockerBackend implements Backend {
  constructor(private readonly docker = dockerClient()) {}

  async start(spec: RunSpec, io: BackendIO): Promise<RunningServer> {
    const signal = io.signal;
    await ensureDocker(this.docker);
    await this.removeLeftovers(spec.functionId, io);
    signal?.throwIfAborted();
    await this.ensureImage(spec.image as string, io);
    signal?.throwIfAborted();

    const hostPort = await preferredPort(spec.server.hostPort);
    const extraHostPorts = await Promise.all(spec.extraPorts.map((p) => preferredPort(p.hostPort)));
    const published = [{ containerPort: spec.server.containerPort, hostPort }, ...spec.extraPorts.map((p, i) => ({ containerPort: p.containerPort, hostPort: extraHostPorts[i] }))];
    const container = await this.docker
      .createContainer({
      name: `fcbox-${slug(spec.functionId)}-${Date.now().toString(36)}`,
      Image: spec.image,
      Entrypoint: spec.entrypoint,
      Cmd: spec.argv,
      WorkingDir: spec.cwd,
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      Labels: { ...spec.labels, [OWNER_LABEL]: OWNER },
      ExposedPorts: Object.fromEntries(published.map((p) => [`${p.containerPort}/tcp`, {}])),
      Tty: false,
      HostConfig: {
        // Loopback only: a published server (or inspector) port on 0.0.0.0 is open to the whole network.
        PortBindings: Object.fromEntries(published.map((p) => [`${p.containerPort}/tcp`, [{ HostIp: '127.0.0.1', HostPort: String(p.hostPort) }]])),
        Binds: spec.mounts.map((m) => `${m.hostPath}:${m.containerPath}${m.readOnly ? ':ro' : ''}`),
        },
      })
      .catch((e: unknown) => {
        throw startError(spec, engineSaid(e), 'create');
      });
    const remove = () => removeContainer(container);

    // From here on any failure, or a stop() meanwhile, removes the container it created: nobody else knows of it.
    let waited: Promise<{ StatusCode: number }> | undefined;
    let stream: NodeJS.ReadWriteStream;
    let pid: number;
    try {
      signal?.throwIfAborted();
      // Attach before start so the first lines (often the reason it died) are not lost.
      stream = await container.attach({ stream: true, stdout: true, stderr: true }).catch((e: unknown) => {
        throw startError(spec, engineSaid(e), 'attach');
      });
      const out = new PassThrough();
      const err = new PassThrough();
      out.on('data', (c: Buffer) => io.output('stdout', c));
      err.on('data', (c: Buffer) => io.output('stderr', c));
      this.docker.modem.demuxStream(stream, out, err);
      // Waiting before start needs 'next-exit': the default 'not-running' returns at once for a created container.
      waited = container.wait({ condition: 'next-exit' });
      waited.catch(() => undefined);
      await container.start().catch((e: unknown) => {
        throw startError(spec, engineSaid(e), 'start');
      });
      pid = (await container.inspect()).State.Pid;
      signal?.throwIfAborted();
    } catch (e) {
      await remove().catch((err: unknown) => io.progress((err as Error).message));
      throw e;
    }
    const streamEnded = new Promise<void>((resolve) => stream.once('end', resolve).once('close', resolve));
    // /proc/<pid> names the container's process only when the engine shares this machine's process table: a local
    // unix socket. A remote engine's (tcp://, ssh://) pid is some other machine's; readiness then connects instead.
    // (dockerode: a unix socket sets socketPath, a path or the default-socket finder; tcp:// and ssh:// set host.)
    const modem = this.docker.modem as { host?: string; socketPath?: unknown };
    const local = !modem.host && modem.socketPath !== undefined;
    let settle!: (info: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((resolve) => {
      let done = false;
      settle = (info) => {
        if (done) return;
        done = true;
        io.output('stdout', null);
        io.output('stderr', null);
        resolve(info);
      };
    });
    void untilExited(container, waited).then(async (info) => {
      await Promise.race([streamEnded, delay(200)]);
      settle(info);
    });
    let removing: Promise<void> | undefined;
    return {
      host: '127.0.0.1',
      port: hostPort,
      extraHostPorts,
      exited,
      description: `container ${container.id.slice(0, 12)}`,
      proxied: true,
      // The container has its own network namespace: its /proc/<pid>/net lists only its sockets. Readable when
      // the engine runs on this machine; undefined (remote engines) makes readiness fall back to connecting.
      listening: () => (local ? listeningSockets(pid) : undefined),
      bound: () => (local ? listeningSockets(pid, undefined, spec.server.containerPort) : undefined),
      // Removed whatever the backend believes about the container: a missed or mistaken exit must not leave it running.
      async stop() {
        removing ??= remove().catch((e: unknown) => {
          removing = undefined;
          throw e;
        });
        await removing;
        // The container is gone; its wait normally answers at once, but nothing more is waited for if it does not.
        const late = setTimeout(() => settle({ code: null, signal: 'SIGKILL' }), EXIT_REPORT_GRACE_MS);
        await exited;
        clearTimeout(late);
      },
    };
  }

  private async removeLeftovers(functionId: string, io: BackendIO): Promise<void> {
    io.signal?.throwIfAborted();
    const found = await this.docker.listContainers({ all: true, filters: { label: [`fcbox.function=${functionId}`] } }).catch((e: unknown) => {
      throw new FcboxError('DockerUnavailable', 'the Docker engine could not list containers', 'check that Docker is running and answers `docker ps -a`', `the Docker engine said: ${engineSaid(e)}`);
    });
    for (const c of found) {
      if (!isOrphan(c.Labels[OWNER_LABEL])) continue;
      io.progress(`removing leftover container ${c.Id.slice(0, 12)} of an earlier run`);
      await removeContainer(this.docker.getContainer(c.Id)).catch(() => undefined);
    }
  }

  private async ensureImage(image: string, io: BackendIO): Promise<void> {
    try {
      await this.docker.getImage(image).inspect();
      return;
    } catch {
      // not present locally: pull it
    }
    io.progress(`pulling image ${image}`);
    const pull = new PullProgress(image);
    try {
      // dockerode pulls `:latest` when the reference names no tag (the engine alone would pull every tag).
      const stream = await this.docker.pull(image);
      await new Promise<void>((resolve, reject) => {
        const signal = io.signal;
        // stop() while pulling: cut the pull short; the layers already fetched stay in the engine's cache.
        const onAbort = () => {
          reject(signal?.reason);
          (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        if (signal?.aborted) onAbort();
        this.docker.modem.followProgress(
          stream,
          (e: Error | null) => {
            signal?.removeEventListener('abort', onAbort);
            // A pull that fails part way still ends its stream normally: the failure is an event in it.
            if (e || pull.error !== undefined) reject(e ?? new Error(pull.error));
            else resolve();
          },
          (ev: PullEvent) => {
            const line = pull.add(ev);
            if (line) io.progress(line);
          },
        );
      });
    } catch (e) {
      if (io.signal?.aborted) throw io.signal.reason;
      throw pullFailed(image, (e as Error).message);
    }
    io.progress(pull.done());
  }
}

/** One JSON line of the engine's pull stream (POST /images/create). */
interface PullEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
}

/** How often a pull under way reports where it is: the engine sends an event per layer every few kilobytes. */
const PULL_REPORT_MS = 1000;

/**
 * Folds the engine's per-layer pull events into one line about the whole image (layers done, bytes downloaded),
 * at most one per PULL_REPORT_MS, and a summary when the pull is done.
 */
class PullProgress {
  /** By short layer id; `total` is 0 until the engine has said how big the layer is. */
  private readonly layers = new Map<string, { phase: 'waiting' | 'downloading' | 'downloaded' | 'extracting' | 'done'; current: number; total: number }>();
  private present = 0;
  private reported = 0;
  private readonly began = Date.now();
  /** The engine's reason when the pull failed part way. */
  error?: string;

  constructor(private readonly image: string) {}

  /** Takes one event; returns the line to report, when one is due. */
  add(ev: PullEvent, now = Date.now()): string | undefined {
    if (ev.error !== undefined) {
      this.error = ev.error;
      return undefined;
    }
    const status = ev.status ?? '';
    // Events without a layer id are about the image ("Digest: …", "Status: …"); "Pulling from" carries the tag.
    if (!ev.id || status.startsWith('Pulling from')) return undefined;
    if (status === 'Already exists') {
      this.present++;
      return undefined;
    }
    let layer = this.layers.get(ev.id);
    if (!layer) this.layers.set(ev.id, (layer = { phase: 'waiting', current: 0, total: 0 }));
    const { current, total } = ev.progressDetail ?? {};
    if (status === 'Downloading') {
      layer.phase = 'downloading';
      if (total) layer.total = total;
      if (current !== undefined) layer.current = current;
    } else if (status === 'Download complete') {
      // Layers are extracted one after the other, so a downloaded one may wait its turn.
      layer.phase = 'downloaded';
      layer.current = layer.total;
    } else if (status === 'Extracting') {
      layer.phase = 'extracting';
    } else if (status === 'Pull complete') {
      layer.phase = 'done';
      layer.current = layer.total;
    }
    // Reported once bytes move, so even a pull quicker than PULL_REPORT_MS says how big it is.
    if (layer.phase === 'waiting' || now - this.reported < PULL_REPORT_MS) return undefined;
    this.reported = now;
    return `pulling image ${this.image}: ${this.summary()}`;
  }

  /** The line for a pull that went through. */
  done(): string {
    const fetched = [...this.layers.values()].reduce((n, l) => n + l.total, 0);
    const present = this.present ? ` (${this.present} already present)` : '';
    return `pulled image ${this.image}: ${this.layers.size + this.present} layers${present}, ${bytes(fetched)} downloaded in ${((Date.now() - this.began) / 1000).toFixed(1)} s`;
  }

  private summary(): string {
    const all = [...this.layers.values()];
    const current = all.reduce((n, l) => n + l.current, 0);
    const total = all.reduce((n, l) => n + l.total, 0);
    // A layer still waiting has no size yet: the total is then a lower bound.
    const sized = all.every((l) => l.total > 0 || l.phase === 'done');
    const done = all.filter((l) => l.phase === 'done').length + this.present;
    const extracting = all.filter((l) => l.phase === 'extracting').length;
    return `${done} of ${all.length + this.present} layers done${extracting ? `, ${extracting} extracting` : ''}, ${bytes(current)} of ${sized ? '' : 'at least '}${bytes(total)} downloaded`;
  }
}

function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${Math.round(n / 1e3)} kB`;
}

/**
 * What the engine's pull errors mean, as a reason and a fix for `image` from `registry`. The engine answers
 * "(HTTP code 404) unexpected - manifest for … not found: manifest unknown" for a missing tag, a 500 with the dial
 * error when the registry cannot be reached, and an error event ("unknown blob") when it fails part way.
 */
const PULL_ERRORS: [RegExp, string, (image: string, registry: string) => string][] = [
  [/manifest unknown|not found: manifest/i, 'the registry has no such image or tag', (image, registry) => `check the image name and tag, push the image to ${registry}, or build it locally (\`docker build -t ${image} .\`)`],
  [/unauthorized|denied|authentication required/i, 'the registry refused access (the repository may not exist, or it needs a login)', (_, registry) => `run \`docker login ${registry}\`, and check the image name`],
  [/server gave HTTP response to HTTPS client/i, 'the registry speaks plain HTTP and the engine expects HTTPS', (_, registry) => `add "${registry}" to "insecure-registries" in the engine's daemon.json, or serve the registry over TLS`],
  [/unknown blob|blob unknown/i, 'the registry is missing a layer of the image', (image, registry) => `push the image to ${registry} again (\`docker push ${image}\`)`],
  [/dial tcp|connection refused|no such host|i\/o timeout|TLS handshake timeout|network is unreachable/i, 'the registry cannot be reached', (_, registry) => `check that ${registry} is up and reachable from the Docker engine (proxy, VPN, DNS), or build the image locally`],
];

/** One line with the image, the reason and the fix; the engine's own words go to `details`. */
function pullFailed(image: string, message: string): FcboxError {
  const said = engineSaid(message);
  const registry = registryOf(image);
  const known = PULL_ERRORS.find(([pattern]) => pattern.test(said));
  const [reason, fix] = known ? [known[1], known[2](image, registry)] : [said, 'check the image name, run `docker login` for private registries, or build the image locally'];
  return new FcboxError('ImagePullFailed', `cannot pull image ${image}: ${reason}`, fix, `the Docker engine said: ${said}`);
}

/** The registry part of an image reference, as `docker login` takes it (Docker Hub when the first part is no host). */
function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/** After stop() removed the container, how long its wait may take to report the exit before stop() stops listening. */
const EXIT_REPORT_GRACE_MS = 2000;
/** How long a removal someone else started (409 "removal already in progress") may take. */
const REMOVAL_WAIT_MS = 10_000;

/**
 * Watches a container until it has really stopped. The engine's wait has been seen to answer (code 0) for a
 * container that kept running, so its answer is only a cue: the container's own State.Running decides, and a
 * container still running is waited for again.
 */
async function untilExited(container: Docker.Container, first: Promise<{ StatusCode: number }>): Promise<ExitInfo> {
  let waited = first;
  for (;;) {
    let status: number | null = null;
    let waitError: string | undefined;
    try {
      status = (await waited).StatusCode;
    } catch (e) {
      waitError = (e as Error).message;
    }
    let state: Docker.ContainerInspectInfo['State'];
    try {
      state = (await container.inspect()).State;
    } catch (e) {
      // Removed (404), or the engine no longer answers: either way there is nothing left to watch.
      return waitError !== undefined && statusCode(e) !== 404 ? { code: null, signal: null, error: waitError } : { code: status, signal: null };
    }
    if (!state.Running) return { code: state.ExitCode ?? status, signal: null };
    await delay(100);
    // 'not-running' answers at once for a container that has stopped between the inspect and this call.
    waited = container.wait({ condition: 'not-running' });
  }
}

/** Removes a container, killing it first; one already gone (404) or being removed by someone else (409) is fine. */
async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true });
    return;
  } catch (e) {
    const code = statusCode(e);
    if (code === 404) return;
    if (code !== 409) {
      const id = container.id.slice(0, 12);
      throw new FcboxError('ContainerNotRemoved', `the Docker engine could not remove container ${id}: ${(e as Error).message.split('\n')[0]}`, `remove it with \`docker rm -f ${id}\``);
    }
  }
  // 409: a removal is already under way; done when the engine no longer knows the container.
  const deadline = Date.now() + REMOVAL_WAIT_MS;
  while (Date.now() < deadline) {
    try {
      await container.inspect();
    } catch (e) {
      if (statusCode(e) === 404) return;
    }
    await delay(100);
  }
  await container.remove({ force: true }).catch((e: unknown) => {
    if (statusCode(e) !== 404 && statusCode(e) !== 409) throw e;
  });
}

function statusCode(e: unknown): number | undefined {
  return (e as { statusCode?: number })?.statusCode;
}

/** A leftover belongs to a run on this machine whose process is gone (or to an earlier instance of ours). */
function isOrphan(owner: string | undefined): boolean {
  if (!owner) return true;
  const [host, pid] = owner.split('/');
  if (host !== os.hostname()) return false;
  if (Number(pid) === process.pid) return true;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else; only ESRCH says it is gone.
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The engine's own words, without dockerode's "(HTTP code 500) server error - " prefix. */
function engineSaid(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .replace(/^\(HTTP code \d+\) [\w ]+ - /, '')
    .trim()
    .split('\n')[0];
}

/**
 * Why the engine would not create, attach to or start the container. Its own conditions come first (a host port
 * taken, a bind-mount source missing), then the ways it refuses to start a process as FC's agent would (seed 001
 * §7.2.2, §7.2.3).
 */
function startError(spec: RunSpec, message: string, step: 'create' | 'attach' | 'start' = 'start'): FcboxError {
  const details = `the Docker engine said: ${message}`;
  if (/port is already allocated|address already in use/i.test(message)) {
    return new FcboxError('PortInUse', `a host port of ${spec.functionId} is already in use: ${message}`, 'stop the container or program using it (`docker ps` shows containers), then start again', details);
  }
  if (/bind source path does not exist|mounts denied|error while creating mount source path|invalid mount config/i.test(message)) {
    const sources = spec.mounts.map((m) => m.hostPath).join(', ');
    return new FcboxError('StartFailed', `the Docker engine cannot mount the code directory: ${sources}`, 'check that it exists and that Docker may share it (Docker Desktop: Settings → Resources → File sharing)', details);
  }
  if (step !== 'start') {
    return new FcboxError('StartFailed', `the Docker engine could not ${step} the container: ${message}`, 'read the engine message below; check the image and `docker info`', details);
  }
  const what = spec.bootstrapPath ?? (spec.entrypoint ?? spec.argv ?? []).join(' ');
  if (/permission denied/i.test(message)) return caFilePermission(what);
  if (/exec format error/i.test(message)) return caExited('exec user process caused "exec format error"', 'start the script with a shebang such as #!/bin/bash, or build for linux/amd64', []);
  if (/no such file|not found/i.test(message)) return caExited(`the start command was not found: ${message}`, 'check the command/entrypoint and that the file exists in the image', []);
  return caExited(message, 'see the engine message above', []);
}

function slug(id: string): string {
  return (id.split('/').pop() ?? 'fn').toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').slice(0, 40);
}
