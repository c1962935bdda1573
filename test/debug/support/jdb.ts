/** Drives the JDK's command-line debugger over its stdin/stdout: enough to prove JDWP breakpoints are hit. */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export class Jdb {
  private output = '';
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(port: number) {
    this.child = spawn('jdb', ['-attach', `127.0.0.1:${port}`]);
    this.child.stdout.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child.stderr.on('data', (c: Buffer) => (this.output += c.toString()));
  }

  send(command: string): void {
    this.child.stdin.write(`${command}\n`);
  }

  /** Waits until the output since the last call matches, and returns that match. */
  async expect(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.output);
      if (m) {
        this.output = this.output.slice(m.index + m[0].length);
        return m;
      }
      if (Date.now() > deadline) throw new Error(`jdb: no ${pattern} within ${timeoutMs} ms; output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sets a line breakpoint and waits for jdb to confirm it (set, or deferred until the class loads). */
  async stopAt(className: string, line: number): Promise<void> {
    this.send(`stop at ${className}:${line}`);
    await this.expect(new RegExp(`(Set|Deferring) breakpoint ${className}:${line}`));
  }

  close(): void {
    this.child.kill();
  }
}
