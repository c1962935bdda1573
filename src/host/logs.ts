/**
 * Per-instance log lines with timestamps and the request they belong to. Seed 001 "Function log formats": the
 * server prints `FC Invoke Start RequestId: …` / `FC Invoke End RequestId: …` (and `FC Initialize …`); when it
 * prints none, a line belongs to the only request in flight at the time, if there is exactly one.
 */
import { StringDecoder } from 'node:string_decoder';
import { LogLine } from './types';

const MARKER = /FC (?:Invoke|Initialize) (Start|End) RequestId: ?([\w.:-]+)/;
const KEEP_LINES = 5000;
/** How long a marker-printing server's End marker may trail its response. */
const END_MARKER_WAIT_MS = 100;

/**
 * Turns a byte stream into lines; call the returned function with each chunk and once with `null` at the end. A
 * UTF-8 character split across two chunks (a pipe hands over whatever bytes it has) is decoded whole.
 */
export function lineSplitter(onLine: (text: string) => void): (chunk: Buffer | string | null) => void {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  return (chunk) => {
    if (chunk === null) {
      rest += decoder.end();
      if (rest) onLine(rest);
      rest = '';
      return;
    }
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const parts = rest.split(/\r?\n/);
    rest = parts.pop() as string;
    for (const p of parts) onLine(p);
  };
}

const STREAM_TAG: Record<LogLine['stream'], string> = { stdout: '[out]', stderr: '[err]', system: '[fcbox]' };

/**
 * One log line as people read it, in the terminal and in the editor: `HH:MM:SS.mmm [out|err|fcbox] [source]
 * [request] text` in local time (the shape syntaxes/fcbox-log colours), with the level of fcbox's own lines
 * unless info.
 */
export function formatLogLine(line: LogLine, source?: string): string {
  const t = new Date(line.time);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}.${pad(t.getMilliseconds(), 3)}`;
  const from = source ? ` ${source}` : '';
  const req = line.requestId ? ` [${line.requestId.slice(0, 8)}]` : '';
  const level = line.stream === 'system' && line.level && line.level !== 'info' ? ` ${line.level}:` : '';
  return `${time} ${STREAM_TAG[line.stream]}${from}${req}${level} ${line.text}`;
}

/** Request ids remembered for marker bookkeeping; older ones are forgotten. */
const KEEP_IDS = 1000;

export class LogBook {
  private readonly lines: LogLine[] = [];
  private readonly inFlight = new Set<string>();
  /** Requests whose Start marker was printed and whose End marker was not (yet). */
  private readonly open = new Set<string>();
  private readonly started = new Set<string>();
  private readonly ended = new Set<string>();
  private readonly endWaiters = new Map<string, () => void>();
  /** Lines given to a request only because it was the one in flight; a later Start marker may take them back. */
  private readonly byTiming = new WeakSet<LogLine>();
  /** Whether this server has printed any marker, so its lines are worth waiting for. */
  private usesMarkers = false;

  constructor(private readonly emit: (line: LogLine) => void) {}

  add(stream: LogLine['stream'], text: string, level?: LogLine['level']): LogLine {
    const [requestId, byTiming] = this.attribute(text);
    const line: LogLine = { time: Date.now(), stream, text, requestId };
    if (level) line.level = level;
    if (byTiming) this.byTiming.add(line);
    this.keep(line);
    return line;
  }

  system(text: string, level: LogLine['level'] = 'info', requestId?: string): void {
    this.keep({ time: Date.now(), stream: 'system', text, level, requestId });
  }

  private keep(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
    this.emit(line);
  }

  begin(requestId: string): void {
    this.inFlight.add(requestId);
  }

  end(requestId: string): void {
    this.inFlight.delete(requestId);
    this.open.delete(requestId);
    this.endWaiters.delete(requestId);
  }

  printedMarkers(requestId: string): boolean {
    return this.started.has(requestId);
  }

  /**
   * Output travels through a pipe (or docker's attach stream), the response through a socket: the request's
   * lines can arrive after its response. When the server prints markers, wait for the End marker (bounded);
   * otherwise give already-buffered output one turn of the event loop. Marker lines that still arrive later carry
   * their request id, so `linesFor` finds them afterwards (the editor re-reads them for its result view).
   */
  async settle(requestId: string): Promise<void> {
    if (this.ended.has(requestId)) return;
    if (!this.started.has(requestId) && !this.usesMarkers) return new Promise((r) => setImmediate(r));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, END_MARKER_WAIT_MS);
      this.endWaiters.set(requestId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  linesFor(requestId: string): LogLine[] {
    return this.lines.filter((l) => l.requestId === requestId);
  }

  all(): LogLine[] {
    return [...this.lines];
  }

  /**
   * A server that prints markers printed the lines before a request's Start marker outside that request: output
   * written before the server was ready ("listening on …") can still be in the pipe when the first request goes
   * out, and timing alone gave it to that request.
   */
  private untime(requestId: string): void {
    for (let i = this.lines.length - 1; i >= 0 && this.lines[i].requestId === requestId && this.byTiming.has(this.lines[i]); i--) {
      this.lines[i].requestId = undefined;
    }
  }

  /** The request a line belongs to, and whether only timing says so (no marker names it, none is open). */
  private attribute(text: string): [requestId: string | undefined, byTiming: boolean] {
    const m = MARKER.exec(text);
    if (m) {
      const [, edge, id] = m;
      if (edge === 'Start') {
        this.untime(id);
        this.open.add(id);
        this.usesMarkers = true;
        remember(this.started, id);
      } else {
        this.open.delete(id);
        remember(this.ended, id);
        this.endWaiters.get(id)?.();
      }
      return [id, false];
    }
    if (this.open.size === 1) return [this.open.values().next().value, false];
    if (this.open.size === 0 && this.inFlight.size === 1) return [this.inFlight.values().next().value, true];
    return [undefined, false];
  }
}

function remember(set: Set<string>, id: string): void {
  set.add(id);
  if (set.size > KEEP_IDS) set.delete(set.values().next().value as string);
}
