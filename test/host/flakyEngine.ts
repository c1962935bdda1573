/**
 * A misbehaving Docker engine for the docker backend's tests: a proxy on a unix socket in front of the real
 * engine that passes every call through, except that the first wait on each container answers `{"StatusCode":0}`
 * at once while the container keeps running (what the debugger engineer saw the engine do). `refuse` makes it answer
 * a container's attach or start with a 500 and the given engine message instead of passing the call on.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FlakyEngine {
  socketPath: string;
  /** With `tcp`: the engine as a remote one looks, on 127.0.0.1:port. */
  port?: number;
  /** Container ids whose wait was answered early. */
  lied: Set<string>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

function upstream(): http.RequestOptions {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  return { socketPath: host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock' };
}

export async function flakyEngine(refuse: { attach?: string; start?: string } = {}, tcp = false): Promise<FlakyEngine> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fcbox-engine-'));
  const socketPath = path.join(dir, 'docker.sock');
  const lied = new Set<string>();
  const server = http.createServer((req, res) => {
    const step = req.method === 'POST' ? /\/containers\/[^/]+\/(attach|start)\b/.exec(req.url ?? '')?.[1] : undefined;
    const refusal = step === 'attach' || step === 'start' ? refuse[step] : undefined;
    if (refusal !== undefined) {
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: refusal }));
      return;
    }
    const wait = req.method === 'POST' ? /\/containers\/([^/]+)\/wait/.exec(req.url ?? '') : null;
    if (wait && !lied.has(wait[1])) {
      lied.add(wait[1]);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ StatusCode: 0, Error: null }));
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
    const out = http.request({ ...upstream(), method: req.method, path: req.url, headers }, (up) => {
      const back = Object.fromEntries(Object.entries(up.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
      res.writeHead(up.statusCode ?? 502, back as http.OutgoingHttpHeaders);
      // Streams (attach, pull progress) are passed on as they come.
      res.flushHeaders();
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => (tcp ? server.listen(0, '127.0.0.1', resolve) : server.listen(socketPath, resolve)));
  return {
    socketPath,
    port: tcp ? (server.address() as { port: number }).port : undefined,
    lied,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
