/**
 * `npm run bench`: every figure measured side by side in one run and written to bench/report.json.
 *  (a) warm event invoke through the gateway (a separate `fcbox start` process, as users run it) vs the same
 *      server called directly: latency p50/p99 and throughput;
 *  (b) cold start in process mode: first response through Instance minus the same server spawned bare;
 *  (c) the same in docker mode vs a bare `docker run` of the same image;
 *  (d) validation time per s.yaml against a bare YAML parse (bench/validation.ts);
 *  (e) debugging: launch → attach event and invoke → paused, process and docker (bench/debug.ts).
 * Extension activation time is measured inside a real VS Code by the e2e run (test/e2e/.out/results.json).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort } from '../src/host/backend';
import { Instance } from '../src/host/instance';
import { buildRunSpec } from '../src/host/runSpec';
import { loadProject } from '../src/spec';
import { buildImage } from '../test/support/images';
import { runDebugBench } from './debug';
import { runValidationBench } from './validation';

const ROOT = path.resolve(__dirname, '..');
const BENCH = __dirname;
const SEQUENTIAL = 2000;
const CONCURRENCY = 8;
const THROUGHPUT_MS = 4000;
/** Direct and gateway take turns this many times in each measurement. */
const ROUNDS = 4;
const COLD_RUNS = 10;
const DOCKER_RUNS = 3;
const ONLY_WARM = process.argv.includes('--warm');
const EVENT = Buffer.from('{"hello":"bench"}');

interface Target {
  port: number;
  path: string;
  headers: http.OutgoingHttpHeaders;
}

function post(agent: http.Agent, t: Target): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: t.port, method: 'POST', path: t.path, agent, headers: { ...t.headers, 'content-length': EVENT.length } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(EVENT);
  });
}

/** Sequential keep-alive requests (one client); returns the latency of each, in ms. */
async function latencies(t: Target, n: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await post(agent, t);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  agent.destroy();
  return samples;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)];

/** `clients` keep-alive connections, each sending its next request when the last one is answered. */
async function requestsIn(t: Target, clients: number, ms: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const end = Date.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        await post(agent, t);
        done++;
      }
    }),
  );
  agent.destroy();
  return done;
}

/** CPU time (user + system) a process has used, in µs; Linux only (clock ticks of /proc/<pid>/stat). */
function cpuUs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / TICKS_PER_SECOND;
}
const TICKS_PER_SECOND = 100;

interface Load {
  rps: number;
  /** CPU per request, µs: the load generator (this process), the gateway process, the function's server. */
  cpu: { client: number; gateway: number; server: number };
}

/**
 * Throughput of direct and gateway side by side: ROUNDS alternating slices of each, so a noisy neighbour on this
 * machine hits both alike. The load generator, the gateway and the server share the machine's cores, so CPU per
 * request is reported too: it is what bounds the ratio.
 */
async function loadPair(direct: Target, gateway: Target, clients: number, pids: { gateway: number; server: number } | undefined): Promise<{ direct: Load; gateway: Load }> {
  const sum = { direct: { n: 0, client: 0, gateway: 0, server: 0 }, gateway: { n: 0, client: 0, gateway: 0, server: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const which of ['direct', 'gateway'] as const) {
      const c0 = process.cpuUsage();
      const g0 = pids ? cpuUs(pids.gateway) : 0;
      const s0 = pids ? cpuUs(pids.server) : 0;
      const n = await requestsIn(which === 'direct' ? direct : gateway, clients, THROUGHPUT_MS / ROUNDS);
      const c = process.cpuUsage(c0);
      const acc = sum[which];
      acc.n += n;
      acc.client += c.user + c.system;
      if (pids) {
        acc.gateway += cpuUs(pids.gateway) - g0;
        acc.server += cpuUs(pids.server) - s0;
      }
    }
  }
  const load = (a: typeof sum.direct): Load => ({
    rps: a.n / (THROUGHPUT_MS / 1000),
    cpu: { client: Math.round(a.client / a.n), gateway: Math.round(a.gateway / a.n), server: Math.round(a.server / a.n) },
  });
  return { direct: load(sum.direct), gateway: load(sum.gateway) };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Polls a bare server the way a tight hand-written harness would: connect every millisecond, then invoke. */
async function firstResponse(port: number, t0: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: false });
  for (;;) {
    if (await accepts(port)) {
      try {
        await post(agent, { port, path: '/invoke', headers: {} });
        return Date.now() - t0;
      } catch {
        // docker's proxy accepted before the server did
      }
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function warm() {
  const serverPort = await freePort();
  // FCBOX_BENCH_PROFILE=DIR writes the gateway's CPU profile there (open it in Chrome DevTools or VS Code).
  const profile = process.env.FCBOX_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(process.env.FCBOX_BENCH_PROFILE)] : [];
  const gw: ChildProcess = spawn(process.execPath, [...profile, path.join(ROOT, 'dist/cli.js'), 'start', BENCH, '--port', '0', '--backend', 'process'], {
    env: { ...process.env, FCBOX_BENCH_PORT: String(serverPort) },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    gw.stdout?.on('data', (c) => {
      out += c;
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) resolve(m[0]);
    });
  });
  const gateway: Target = { port: Number(new URL(url).port), path: '/2023-03-30/functions/echo/invocations', headers: {} };
  const direct: Target = { port: serverPort, path: '/invoke', headers: { 'content-type': 'application/octet-stream', 'x-fc-request-id': 'bench' } };
  await post(new http.Agent(), gateway); // cold start outside the measurement
  // Warm-up: JIT and keep-alive connections on both paths, outside the measurement.
  await latencies(direct, 500);
  await latencies(gateway, 500);
  const d: number[] = [];
  const g: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    d.push(...(await latencies(direct, SEQUENTIAL / ROUNDS)));
    g.push(...(await latencies(gateway, SEQUENTIAL / ROUNDS)));
  }
  const serverPid = process.platform === 'linux' ? Number(fs.readFileSync(`/proc/${gw.pid}/task/${gw.pid}/children`, 'utf8').trim().split(' ')[0]) : NaN;
  const pids = serverPid ? { gateway: gw.pid as number, server: serverPid } : undefined;
  const one = await loadPair(direct, gateway, 1, pids);
  const many = await loadPair(direct, gateway, CONCURRENCY, pids);
  gw.kill('SIGTERM');
  await new Promise((r) => gw.once('close', r));
  return {
    directP50Ms: percentile(d, 0.5),
    directP99Ms: percentile(d, 0.99),
    gatewayP50Ms: percentile(g, 0.5),
    gatewayP99Ms: percentile(g, 0.99),
    p50OverheadMs: percentile(g, 0.5) - percentile(d, 0.5),
    directRps: many.direct.rps,
    gatewayRps: many.gateway.rps,
    throughputRatio: many.gateway.rps / many.direct.rps,
    directRps1: one.direct.rps,
    gatewayRps1: one.gateway.rps,
    throughputRatio1: one.gateway.rps / one.direct.rps,
    cpuUsPerRequestDirect: many.direct.cpu,
    cpuUsPerRequestGateway: many.gateway.cpu,
  };
}

async function coldProcess(): Promise<Record<string, number>> {
  const fn = loadProject(path.join(BENCH, 's.yaml')).functions[0];
  const bare: number[] = [];
  const fcbox: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const port = await freePort();
    // The same argv, cwd and environment fcbox gives the server: the host's environment can cost a Node start
    // tens of milliseconds (NODE_EXTRA_CA_CERTS is read at start-up), which would flatter fcbox.
    const spec = buildRunSpec({ ...fn, port }, { backend: 'process', instanceId: 'bare' });
    const argv = spec.argv as string[];
    let t0 = Date.now();
    const child = spawn(argv[0], argv.slice(1), { cwd: spec.cwd, env: spec.env, stdio: 'ignore' });
    bare.push(await firstResponse(port, t0));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));

    const inst = new Instance({ ...fn, port: await freePort() }, { backend: 'process' });
    t0 = Date.now();
    const r = await inst.invoke({ body: EVENT });
    if (r.status !== 200) throw new Error(`cold invoke failed: ${r.error?.message}`);
    fcbox.push(Date.now() - t0);
    await inst.stop();
  }
  return { bareFirstResponseMs: median(bare), fcboxFirstResponseMs: median(fcbox), overheadMs: median(fcbox) - median(bare) };
}

async function coldDocker(): Promise<Record<string, number>> {
  const image = buildImage('bench', BENCH, 'FROM {{base}}\nWORKDIR /app\nCOPY server.js .\nENTRYPOINT ["node", "/app/server.js"]\n');
  const fn = { ...loadProject(path.join(BENCH, 's.yaml')).functions[0], runtime: 'custom-container', codeDir: undefined, command: undefined, args: undefined, image, port: 9000 };
  const bare: number[] = [];
  const fcbox: number[] = [];
  for (let i = 0; i < DOCKER_RUNS; i++) {
    const port = await freePort();
    let t0 = Date.now();
    const id = execFileSync('docker', ['run', '-d', '-p', `127.0.0.1:${port}:9000`, image], { encoding: 'utf8' }).trim();
    bare.push(await firstResponse(port, t0));
    execFileSync('docker', ['rm', '-f', id]);

    const inst = new Instance(fn, { backend: 'docker' });
    t0 = Date.now();
    const r = await inst.invoke({ body: EVENT });
    if (r.status !== 200) throw new Error(`docker cold invoke failed: ${r.error?.message}`);
    fcbox.push(Date.now() - t0);
    await inst.stop();
  }
  return { bareDockerRunMs: median(bare), fcboxDockerMs: median(fcbox), overheadMs: median(fcbox) - median(bare) };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: require('node:os').cpus().length as number,
    warmEventInvoke: await warm(),
    coldStartProcess: ONLY_WARM ? ({} as Record<string, number>) : await coldProcess(),
    coldStartDocker: ONLY_WARM ? ({} as Record<string, number>) : await coldDocker(),
    validation: runValidationBench(),
    debug: ONLY_WARM ? [] : await runDebugBench(),
  };
  if (ONLY_WARM) return void console.log(JSON.stringify(report.warmEventInvoke, null, 2));
  fs.writeFileSync(path.join(BENCH, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  const w = report.warmEventInvoke;
  const f = (n: number) => n.toFixed(2);
  const signed = (n: number, digits = 0) => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;
  const rows = [
    ['warm invoke p50 (ms)', f(w.directP50Ms), f(w.gatewayP50Ms), `${signed(w.p50OverheadMs, 2)} (goal ≤ 0.30)`],
    ['warm invoke p99 (ms)', f(w.directP99Ms), f(w.gatewayP99Ms), signed(w.gatewayP99Ms - w.directP99Ms, 2)],
    ['throughput, 1 client (req/s)', w.directRps1.toFixed(0), w.gatewayRps1.toFixed(0), `${(w.throughputRatio1 * 100).toFixed(0)} %`],
    [`throughput, ${CONCURRENCY} clients (req/s)`, w.directRps.toFixed(0), w.gatewayRps.toFixed(0), `${(w.throughputRatio * 100).toFixed(0)} % (goal ≥ 70 %)`],
    [
      `CPU µs/request, ${CONCURRENCY} clients (client+gw+server)`,
      `${w.cpuUsPerRequestDirect.client}+0+${w.cpuUsPerRequestDirect.server}`,
      `${w.cpuUsPerRequestGateway.client}+${w.cpuUsPerRequestGateway.gateway}+${w.cpuUsPerRequestGateway.server}`,
      `gateway ${w.cpuUsPerRequestGateway.gateway} µs`,
    ],
    ['cold start, process (ms)', String(report.coldStartProcess.bareFirstResponseMs), String(report.coldStartProcess.fcboxFirstResponseMs), `${signed(report.coldStartProcess.overheadMs)} (goal ≤ 30)`],
    ['cold start, docker (ms)', String(report.coldStartDocker.bareDockerRunMs), String(report.coldStartDocker.fcboxDockerMs), signed(report.coldStartDocker.overheadMs)],
    [
      `validation per s.yaml (ms, ${report.validation.files} files)`,
      f(report.validation.bareYamlParseMsPerFile),
      f(report.validation.fcboxLoadMsPerFile),
      `× ${report.validation.ratio.toFixed(1)} of a bare YAML parse`,
    ],
    ...report.debug.map((d) => [`debug ${d.mode}: launch → attach, invoke → paused (ms)`, '', `${d.launchToAttachMs.median}, ${d.invokeToPausedMs.median}`, `median of ${d.runs}`]),
  ];
  const header = ['', 'direct / bare', 'fcbox', 'overhead'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
  console.log(`\nwritten to ${path.relative(process.cwd(), path.join(BENCH, 'report.json'))}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
