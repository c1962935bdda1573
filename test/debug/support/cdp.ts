/**
 * A minimal Chrome DevTools Protocol client, as a real debugger front end connects to Node's inspector: find the
 * target over HTTP (/json/list), then speak JSON-RPC over its WebSocket.
 */
import * as http from 'node:http';
import WebSocket from 'ws';

export interface CallFrame {
  functionName: string;
  url: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
}

export interface PausedEvent {
  reason: string;
  hitBreakpoints?: string[];
  callFrames: CallFrame[];
}

function getJson(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve(JSON.parse(text)));
      })
      .on('error', reject);
  });
}

export class CdpClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly paused: PausedEvent[] = [];
  /** scriptId → url, from Debugger.scriptParsed (call frames' own `url` is deprecated and empty). */
  private readonly scripts = new Map<string, string>();
  private pausedWaiter?: (e: PausedEvent) => void;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result);
      } else if (msg.method === 'Debugger.scriptParsed') {
        const { scriptId, url } = msg.params as { scriptId: string; url: string };
        this.scripts.set(scriptId, url);
      } else if (msg.method === 'Debugger.paused') {
        const event = msg.params as PausedEvent;
        if (this.pausedWaiter) this.pausedWaiter(event);
        else this.paused.push(event);
      }
    });
  }

  /** Connects to the inspector on 127.0.0.1:port. The announced ws URL may name the container's 0.0.0.0. */
  static async connect(port: number): Promise<CdpClient> {
    const targets = (await getJson(port, '/json/list')) as { webSocketDebuggerUrl: string }[];
    const url = new URL(targets[0].webSocketDebuggerUrl);
    url.host = `127.0.0.1:${port}`;
    const ws = new WebSocket(url.toString());
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    return new CdpClient(ws);
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  /** The next Debugger.paused event (already received or still to come). */
  nextPause(timeoutMs = 10_000): Promise<PausedEvent> {
    const queued = this.paused.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Debugger.paused within ${timeoutMs} ms`)), timeoutMs);
      this.pausedWaiter = (e) => {
        clearTimeout(timer);
        this.pausedWaiter = undefined;
        resolve(e);
      };
    });
  }

  scriptUrl(scriptId: string): string | undefined {
    return this.scripts.get(scriptId);
  }

  close(): void {
    this.ws.close();
  }
}
