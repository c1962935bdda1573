import * as fs from 'node:fs';

/**
 * The only file-system calls `spec/` makes. Injected so the editor can serve unsaved buffers and tests can run
 * the checks against any tree, as vscode-mock-debug's FileAccessor does.
 */
export interface FileAccess {
  /** Whole file as UTF-8, or undefined when it cannot be read. */
  readText(path: string): string | undefined;
  /** The first `bytes` bytes (enough to see a `#!` line or an ELF header), or undefined. */
  readHead(path: string, bytes: number): Buffer | undefined;
  /** `executable` is undefined where the file system has no execute bits (Windows). */
  stat(path: string): { kind: 'file' | 'directory' | 'other'; executable?: boolean } | undefined;
  list(dir: string): { name: string; directory: boolean }[];
}

export const nodeFileAccess: FileAccess = {
  readText(path) {
    try {
      return fs.readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  readHead(path, bytes) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(path, 'r');
      const buf = Buffer.alloc(bytes);
      return buf.subarray(0, fs.readSync(fd, buf, 0, bytes, 0));
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
  stat(path) {
    try {
      const st = fs.statSync(path);
      const kind = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
      return { kind, executable: process.platform === 'win32' ? undefined : (st.mode & 0o111) !== 0 };
    } catch {
      return undefined;
    }
  },
  list(dir) {
    try {
      return fs.readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, directory: d.isDirectory() }));
    } catch {
      return [];
    }
  },
};
