/**
 * When is the debuggee's debugger ready to attach? When the runtime printed its cue (it does so only after its
 * listen() succeeded) and, for debuggers that tolerate it, the published port answers a probe — checked again
 * until the deadline, because docker's port proxy can lag the container. Neither alone is enough: a published
 * port accepts connections before anything listens behind it, and a cue says nothing about the host side.
 */
import { FcboxError } from '../spec/errors';
import type { DebugProfile } from './profiles';

export interface ReadinessOptions {
  profile: Pick<DebugProfile, 'language' | 'cue' | 'probe' | 'failure'>;
  /**
   * The debugger's port on the host's 127.0.0.1; a promise when it is known only once the backend published it
   * (docker falls back to another port when the planned one was taken meanwhile).
   */
  port: number | Promise<number>;
  /** Subscribes to the instance's output lines; returns the unsubscribe function. Subscribe before starting. */
  subscribe(listener: (text: string) => void): () => void;
  timeoutMs: number;
  /** Rejects when waiting is pointless (the instance failed to start or exited). */
  abandoned?: Promise<never>;
  retryMs?: number;
}

const RECENT_LINES = 20;

/** Resolves with the host port the debugger answers on. */
export async function waitForDebugger(options: ReadinessOptions): Promise<number> {
  const { profile, timeoutMs, retryMs = 100 } = options;
  let port: number | undefined = typeof options.port === 'number' ? options.port : undefined;
  const published = Promise.resolve(options.port).then((p) => (port = p));
  published.catch(() => undefined);
  const recent: string[] = [];
  let cueSeen = false;
  let onCue!: () => void;
  let onFailure!: (e: Error) => void;
  const cue = new Promise<void>((resolve, reject) => {
    onCue = resolve;
    onFailure = reject;
  });
  const unsubscribe = options.subscribe((text) => {
    recent.push(text);
    if (recent.length > RECENT_LINES) recent.shift();
    const failure = profile.failure(text);
    if (failure) onFailure(failure);
    else if (profile.cue.pattern.test(text)) {
      cueSeen = true;
      onCue();
    }
  });

  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  // Set once the race is decided (the instance gave up, say): the probe loop must not outlive it.
  let settled = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      const waitedFor = [`${profile.cue.description} in the function's output${cueSeen ? ' (seen)' : ''}`];
      if (profile.probe) waitedFor.push(`for 127.0.0.1:${port ?? '(not yet published)'} to answer`);
      reject(
        new FcboxError(
          'DebuggerNotReady',
          `the ${profile.language} debugger was not ready within ${timeoutMs / 1000} s; waited for ${waitedFor.join(' and ')}`,
          cueSeen
            ? 'the debugger listens inside the instance but its port is not reachable from here; check that nothing else uses the port'
            : `check that the start command runs ${profile.language} and that the debugger is installed, or raise "debuggerTimeout"`,
          recent.join('\n') || undefined,
        ),
      );
    }, timeoutMs);
  });

  const probed = async (): Promise<number> => {
    await cue;
    const p = await published;
    if (profile.probe && !settled) await probeUntil(profile.probe, p, () => timedOut || settled, retryMs);
    return p;
  };

  try {
    return await Promise.race([probed(), deadline, ...(options.abandoned ? [options.abandoned] : [])]);
  } finally {
    settled = true;
    clearTimeout(timer);
    unsubscribe();
  }
}

/** Probes until it succeeds or `givenUp()`; resolves with the last outcome. */
export async function probeUntil(probe: (port: number) => Promise<boolean>, port: number, givenUp: () => boolean, retryMs = 100): Promise<boolean> {
  for (;;) {
    if (await probe(port)) return true;
    if (givenUp()) return false;
    await new Promise((r) => setTimeout(r, retryMs));
  }
}
