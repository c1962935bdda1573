/**
 * Debugging latency, process and docker modes: (a) from the `launch` request to the `fcbox.attach` event (the
 * instance started with its inspector listening), (b) from sending `invoke` (with a breakpoint in the handler,
 * set over CDP as js-debug would) to the first Debugger.paused. Drives dist/debugAdapter.js with DebugClient.
 * `tsx bench/debug.ts` prints a table and writes JSON to stdout's last line; `runDebugBench()` returns it.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeBaseImage } from '../test/support/images';
import { CdpClient } from '../test/debug/support/cdp';
import { breakLine, DEBUG_FIXTURES, writeProject } from '../test/debug/support/fixtures';
import { launchSession } from '../test/debug/support/session';

const CODE = path.join(DEBUG_FIXTURES, 'node');
const RUNS = { process: 5, docker: 3 };

export interface DebugBenchRow {
  mode: 'process' | 'docker';
  runs: number;
  launchToAttachMs: { median: number; min: number; max: number };
  invokeToPausedMs: { median: number; min: number; max: number };
}

function stats(samples: number[]): DebugBenchRow['launchToAttachMs'] {
  const s = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { median: round(s[Math.floor(s.length / 2)]), min: round(s[0]), max: round(s[s.length - 1]) };
}

async function once(mode: DebugBenchRow['mode'], runtimeImages?: Record<string, string>): Promise<{ attach: number; paused: number }> {
  const fx = await writeProject(`bench-${mode}`, CODE, ['node', 'index.js']);
  const session = await launchSession({ project: fx.project, function: fx.functionName, backend: mode, runtimeImages });
  const attach = session.launchToAttachMs;
  const { configuration } = session.attach;
  const cdp = await CdpClient.connect(configuration.port as number);
  try {
    await cdp.send('Debugger.enable');
    const url = pathToFileURL(path.join(configuration.remoteRoot as string, 'index.js')).href;
    await cdp.send('Debugger.setBreakpointByUrl', { url, lineNumber: breakLine(path.join(CODE, 'index.js'), 'invoke') - 1 });
    await cdp.send('Runtime.runIfWaitingForDebugger');
    await session.dc.customRequest('attached');
    const t1 = performance.now();
    const invoked = session.dc.customRequest('invoke', { event: 'bench' });
    await cdp.nextPause();
    const paused = performance.now() - t1;
    await cdp.send('Debugger.resume');
    await invoked;
    return { attach, paused };
  } finally {
    cdp.close();
    await session.disconnect();
  }
}

export async function runDebugBench(): Promise<DebugBenchRow[]> {
  const rows: DebugBenchRow[] = [];
  for (const mode of ['process', 'docker'] as const) {
    const runtimeImages = mode === 'docker' ? { 'custom.debian10': nodeBaseImage() } : undefined;
    const samples = [];
    for (let i = 0; i < RUNS[mode]; i++) samples.push(await once(mode, runtimeImages));
    rows.push({ mode, runs: samples.length, launchToAttachMs: stats(samples.map((s) => s.attach)), invokeToPausedMs: stats(samples.map((s) => s.paused)) });
  }
  return rows;
}

if (require.main === module) {
  runDebugBench().then(
    (rows) => {
      console.table(
        rows.map((r) => ({
          mode: r.mode,
          runs: r.runs,
          'launch → attach event (median ms)': r.launchToAttachMs.median,
          'invoke → paused (median ms)': r.invokeToPausedMs.median,
        })),
      );
      console.log(JSON.stringify({ debug: rows }));
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
