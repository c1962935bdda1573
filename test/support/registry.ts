/**
 * A real image registry on loopback for pull tests: Debian's docker-registry (the CNCF distribution registry) with
 * filesystem storage in a temp dir, plus a bandwidth-limited TCP relay in front of it so a pull lasts long enough to
 * report progress. The engine treats 127.0.0.0/8 registries as insecure by default, so plain HTTP works.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { freePort } from '../../src/host/backend';
import { HOST_FIXTURES } from './functions';
import { nodeBaseImage } from './images';

const BINARY = '/usr/bin/docker-registry';
const READY_MS = 10_000;

export interface Registry {
  /** `127.0.0.1:<port>`, the registry part of image references. */
  readonly host: string;
  readonly port: number;
  /** Where the blobs are stored (`docker/registry/v2/...`). */
  readonly root: string;
  /** The storage path of a blob's content. */
  blobPath(digest: string): string;
  /** The manifest of `repo:tag` as the registry serves it to the engine. */
  manifest(repo: string, tag: string): Promise<{ config: { digest: string }; layers: { digest: string; size: number }[] }>;
  stop(): Promise<void>;
}

/** Starts the registry on a free port of 127.0.0.1 and resolves once it answers `GET /v2/`. */
export async function startRegistry(): Promise<Registry> {
  if (!fs.existsSync(BINARY)) throw new Error(`the pull tests need a local registry: apt-get install docker-registry (${BINARY} is missing)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fcbox-registry-'));
  const root = path.join(dir, 'storage');
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  // Our own config and port: the package's /etc/docker/registry/config.yml (:5000, htpasswd) is not used.
  fs.writeFileSync(
    config,
    `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${root}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  secret: fcbox-test
`,
  );
  const child = spawn(BINARY, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (c: Buffer) => (output = (output + c.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilAnswers(port, child);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${output}`);
  }
  const host = `127.0.0.1:${port}`;
  return {
    host,
    port,
    root,
    blobPath: (digest) => {
      const hex = digest.replace(/^sha256:/, '');
      return path.join(root, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    },
    manifest: async (repo, tag) => {
      const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
      if (!res.ok) throw new Error(`GET manifest ${repo}:${tag}: ${res.status}`);
      return (await res.json()) as Awaited<ReturnType<Registry['manifest']>>;
    },
    stop,
  };
}

async function untilAnswers(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}) before it answered`);
    const status = await new Promise<number | undefined>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/v2/', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.once('timeout', () => req.destroy());
      req.once('error', () => resolve(undefined));
    });
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer GET /v2/ on 127.0.0.1:${port} within ${READY_MS} ms`);
}

export interface SlowLink {
  /** `127.0.0.1:<port>`: the same registry, reached through the slow link. */
  readonly host: string;
  close(): Promise<void>;
}

/**
 * A TCP relay on 127.0.0.1 to `port` that delivers the upstream's bytes at `bytesPerSecond` per connection (what the
 * client sends passes unhindered), so a pull of a few megabytes takes seconds, as it does from a real registry.
 */
export async function slowLink(port: number, bytesPerSecond: number): Promise<SlowLink> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(throttle(bytesPerSecond)).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Passes chunks on no faster than `bytesPerSecond`, in slices of a tenth of a second. */
function throttle(bytesPerSecond: number): Transform {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 10));
  let due = Date.now();
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const send = (offset: number): void => {
        if (offset >= chunk.length) return done();
        const part = chunk.subarray(offset, offset + slice);
        due = Math.max(due, Date.now()) + (part.length / bytesPerSecond) * 1000;
        this.push(part);
        setTimeout(() => send(offset + part.length), Math.max(0, due - Date.now()));
      };
      send(0);
    },
  });
}

/**
 * Builds `<registry>/fcbox-test/pull:<tag>`: the node test image, the host fixture server as entrypoint (port 9000)
 * and `payloadBytes` of random bytes in a layer of its own; pushes it and removes it locally again. The base layer
 * stays (other tags hold it), the new one exists only in the registry, so a pull has to download it.
 */
export function publishFixture(registry: string, tag: string, payloadBytes: number): string {
  const ref = `${registry}/fcbox-test/pull:${tag}`;
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'fcbox-pull-image-'));
  try {
    fs.copyFileSync(path.join(HOST_FIXTURES, 'server.js'), path.join(context, 'server.js'));
    fs.writeFileSync(path.join(context, 'payload.bin'), randomBytes(payloadBytes));
    const dockerfile = `FROM ${nodeBaseImage()}\nCOPY server.js payload.bin /app/\nENTRYPOINT ["node", "/app/server.js"]\n`;
    docker(['build', '-q', '-t', ref, '-f', '-', context], dockerfile);
    try {
      docker(['push', ref]);
    } finally {
      docker(['rmi', ref]);
    }
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
  return ref;
}

/** Removes local images by reference; ones not there are fine. */
export function removeImages(refs: string[]): void {
  for (const ref of refs) {
    try {
      docker(['rmi', ref]);
    } catch {
      // not pulled (or already removed)
    }
  }
}

function docker(args: string[], input?: string): string {
  return execFileSync('docker', args, { input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], encoding: 'utf8' });
}
