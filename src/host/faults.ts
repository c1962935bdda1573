/**
 * Every way an instance can fail, as the platform names it (seed 001 §7.2–7.3, seed 002, seed 004), with the
 * reason and the fix a person needs. The platform's own message comes first so searches for it still match.
 */
import { promises as fs, constants as fsConstants } from 'node:fs';
import { FcboxError } from '../spec/errors';
import { inspectStartFile, START_FILE_HEAD_BYTES } from '../spec/platform';
import { LogLine } from './types';

/** Seed 001 §4.5 "Limits on HTTP requests" / "Limits on HTTP responses". */
export const LIMITS = {
  requestHeaderBytes: 4 * 1024,
  pathBytes: 4 * 1024,
  bodyBytes: 6 * 1024 * 1024,
  responseHeaderBytes: 4 * 1024,
  /** Seed 001 §7.2.9: idle keep-alive connections must survive at least 15 minutes. */
  keepAliveIdleMs: 15 * 60 * 1000,
};

/** The HTTP status and FC error code a gateway answers with for each platform error code. */
export const STATUS_BY_CODE: Record<string, number> = {
  InvalidArgument: 400,
  AccessDenied: 403,
  FunctionNotFound: 404,
  BadResponse: 502,
  ProcessExited: 502,
  FunctionNotStarted: 502,
  CAExited: 502,
  CAFilePermission: 502,
  FunctionTimeout: 200,
  PathNotSupported: 404,
  PortInUse: 503,
  DockerUnavailable: 503,
  ImagePullFailed: 503,
  InstanceStopped: 503,
  StartFailed: 500,
  ContainerNotRemoved: 500,
};

function lastLines(logs: LogLine[], n = 20): string | undefined {
  const tail = logs.filter((l) => l.stream !== 'system').slice(-n);
  return tail.length ? tail.map((l) => `  | ${l.text}`).join('\n') : undefined;
}

function functionNotStarted(reason: string, hint: string, logs: LogLine[]): FcboxError {
  return new FcboxError('FunctionNotStarted', `The CA's http server cannot be started: ${reason}`, hint, lastLines(logs));
}

export function neverListened(port: number, timeoutMs: number, logs: LogLine[]): FcboxError {
  return functionNotStarted(
    `nothing accepted connections on port ${port} within ${timeoutMs / 1000} s`,
    `make the server listen on 0.0.0.0:${port} (the configured port) and start within the deadline`,
    logs,
  );
}

export function wrongPort(port: number, actual: number[], logs: LogLine[]): FcboxError {
  return functionNotStarted(
    `the server listens on port ${actual.join(', ')}, not on the configured port ${port}`,
    `listen on 0.0.0.0:${port}, or set the port in s.yaml (caPort / customRuntimeConfig.port / customContainerConfig.port) to ${actual[0]}`,
    logs,
  );
}

/** Seed 001 §7.2.1: 127.0.0.1:CAPort is unreachable from FC's agent. */
export function loopbackOnly(port: number, address: string, logs: LogLine[]): FcboxError {
  return functionNotStarted(
    `the server listens on ${address}:${port}, which Function Compute cannot reach`,
    `bind 0.0.0.0:${port} (or *:${port}) instead of ${address}`,
    logs,
  );
}

/** Seed 001 §7.2.2: "The CA process either cannot be started or exited". */
export function caExited(reason: string, hint: string, logs: LogLine[]): FcboxError {
  return new FcboxError('CAExited', `The CA process either cannot be started or exited: ${reason}`, hint, lastLines(logs));
}

/** Seed 001 §7.2.3. */
export function caFilePermission(file: string): FcboxError {
  return new FcboxError(
    'CAFilePermission',
    `The CA process cannot be started due to bootstrap file don't have execute permissions: ${file}`,
    `run \`chmod 755 ${file}\` (git keeps the bit: commit it with the mode change)`,
  );
}

/** Seed 001 §7.2.7 / §7.2.9. */
export function processExited(logs: LogLine[]): FcboxError {
  return new FcboxError(
    'ProcessExited',
    'Process exited unexpectedly before completing request',
    'the server exited (or closed the connection) during the request: catch the exception, do not call exit, keep connections alive',
    lastLines(logs),
  );
}

export function functionTimeout(seconds: number, logs: LogLine[]): FcboxError {
  return new FcboxError(
    'FunctionTimeout',
    `Function timed out after ${seconds} seconds`,
    'make the handler faster or raise `timeout` in s.yaml; the instance was recycled',
    lastLines(logs),
  );
}

/** stop() came while the instance was still starting (a debugger never attached, --inspect-brk, a slow pull). */
export function stoppedBeforeReady(name: string): FcboxError {
  return new FcboxError('InstanceStopped', `the instance was stopped before it was ready: ${name}`, 'start it again when you want it to run');
}

/** An invocation (or start) that was waiting for the instance when stop() was called. */
export function instanceStopped(name: string): FcboxError {
  return new FcboxError('InstanceStopped', `the instance was stopped while this call waited for it: ${name}`, 'invoke it again to start it afresh');
}

/** The run specification could not be prepared (the debugger's transform failed), so nothing was started. */
export function startFailed(reason: string): FcboxError {
  return new FcboxError('StartFailed', `the instance could not be prepared to start: ${reason}`, 'nothing was started; read the log, fix the cause and start it again');
}

export function badResponse(reason: string): FcboxError {
  return new FcboxError('BadResponse', `The function returned an invalid response: ${reason}`, 'keep response headers under 4 KB in total');
}

export function invalidArgument(reason: string, hint: string): FcboxError {
  return new FcboxError('InvalidArgument', reason, hint);
}

/** Seed 004: SCF's health-check message. */
export function scfNotListening(timeoutMs: number, logs: LogLine[]): FcboxError {
  return new FcboxError(
    'FunctionNotStarted',
    `The request timed out in ${timeoutMs}ms. Please confirm your http server have enabled listening on port 9000.`,
    'listen on 0.0.0.0:9000 and start within 30 s',
    lastLines(logs),
  );
}

/**
 * What the platform would reject before the server even runs (spec/platform.ts inspectStartFile, the same rules
 * `fcbox validate` reports), as the error FC would start with.
 */
export async function checkBootstrap(file: string): Promise<FcboxError | undefined> {
  let head: Buffer;
  try {
    const fh = await fs.open(file, 'r');
    try {
      const buf = Buffer.alloc(START_FILE_HEAD_BYTES);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return caExited(`${file} does not exist`, 'add a bootstrap file to the code directory, or set customRuntimeConfig.command', []);
    }
    return undefined;
  }
  const executable = await fs.access(file, fsConstants.X_OK).then(
    () => true,
    () => false,
  );
  const [problem] = inspectStartFile({ executable, head });
  switch (problem?.kind) {
    case undefined:
      return undefined;
    case 'not-executable':
      return caFilePermission(file);
    case 'no-shebang':
      return caExited('exec user process caused "exec format error"', `the first line of ${file} must be a shebang such as #!/bin/bash`, []);
    case 'crlf':
      return caExited(
        `${file} has Windows (CRLF) line endings, so the interpreter "${problem.interpreter}\\r" does not exist`,
        `convert it to UNIX line endings (e.g. \`sed -i 's/\\r$//' ${file}\`, or set your editor to LF)`,
        [],
      );
  }
}

/** The reason a server exited before it was ready, from its exit status and what it printed. */
export function exitedBeforeReady(exit: { code: number | null; signal: string | null; error?: string }, logs: LogLine[]): FcboxError {
  const status = exit.error ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`);
  const text = logs.map((l) => l.text).join('\n');
  if (/exec format error/i.test(text) || /exec format error/i.test(exit.error ?? '')) {
    return caExited(`${status}: exec format error`, 'start the bootstrap with a shebang such as #!/bin/bash, or build the binary for linux/amd64', logs);
  }
  if (exit.code === 126 || /permission denied/i.test(exit.error ?? '')) {
    return caExited(`${status}: permission denied`, 'make the start command executable (chmod 755)', logs);
  }
  if (exit.code === 127 || /ENOENT|not found/i.test(exit.error ?? '')) {
    return caExited(`${status}: command not found`, 'check the start command and that its interpreter exists in the runtime', logs);
  }
  return caExited(status, 'the server must keep running: read the log lines below for the error', logs);
}
