/**
 * Which TCP ports a server listens on, and on which address, read from /proc (Linux). The platform reaches the
 * server from outside its network namespace, so a server on 127.0.0.1 fails there even when it works locally
 * (seed 001 §7.2.1); and a server on the wrong port should be reported at once, not after the 120 s deadline.
 */
// /proc is generated in memory: synchronous reads are quicker than the thread pool and never block on disk.
import * as fs from 'node:fs';

export interface ListeningSocket {
  address: string;
  port: number;
}

const LISTEN = '0A';

/**
 * The LISTEN sockets of a network namespace (the one `pid` lives in); `inodes` keeps only sockets some process owns,
 * `port` only those on that port. Undefined when there is no /proc to read (not Linux).
 */
export function listeningSockets(pid: number, inodes?: Set<string>, port?: number): ListeningSocket[] | undefined {
  const out: ListeningSocket[] = [];
  let readAny = false;
  for (const file of ['tcp', 'tcp6']) {
    const rows = listenerRows(`/proc/${pid}/net/${file}`);
    if (!rows) continue;
    readAny = true;
    for (const cols of rows) {
      if (inodes && !inodes.has(cols[9])) continue;
      const [hexAddr, hexPort] = cols[1].split(':');
      const p = parseInt(hexPort, 16);
      if (port === undefined || p === port) out.push({ address: decodeAddress(hexAddr), port: p });
    }
  }
  return readAny ? out : undefined;
}

/** One page: the size seq_file hands out per read, so the kernel formats no more rows than asked for. */
const PAGE = 4096;

/**
 * The LISTEN rows of one /proc/<pid>/net/tcp[6] table, split into columns. The kernel lists every listener first and
 * only then walks its whole connection hash for the rest, which is what makes a full read slow (~5 ms per file on
 * a quiet machine, more with many connections). Reading a page at a time and stopping at the first row that is
 * not a listener skips that walk whenever IPv4/IPv6 listeners exist.
 */
function listenerRows(file: string): string[][] | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  const rows: string[][] = [];
  const buf = Buffer.allocUnsafe(PAGE);
  let pending = '';
  let header = true;
  /** Takes one row; false once past the listeners. */
  const take = (line: string): boolean => {
    if (header) {
      header = false;
      return true;
    }
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) return true;
    if (cols[3] !== LISTEN) return false;
    rows.push(cols);
    return true;
  };
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, PAGE, null);
      if (n === 0) {
        take(pending);
        break;
      }
      const lines = (pending + buf.toString('latin1', 0, n)).split('\n');
      pending = lines.pop() as string;
      if (!lines.every(take)) break;
    }
  } catch {
    // the namespace went away while we read: what we have is all there is
  } finally {
    fs.closeSync(fd);
  }
  return rows;
}

/** Socket inodes held open by any of `pids` (from their /proc/<pid>/fd links). */
export function socketInodes(pids: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // fd closed while we looked
      }
    }
  }
  return inodes;
}

/** Every process in a process group (the process backend starts each server as a group leader). */
export function processGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Zombies hold nothing and wait only for their parent to reap them.
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // process gone
    }
  }
  return pids;
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/** How the sockets on `port` look from outside: reachable, only on loopback, or absent. */
export function classify(sockets: ListeningSocket[], port: number): { state: 'reachable' | 'loopback' | 'absent'; address?: string } {
  const onPort = sockets.filter((s) => s.port === port);
  if (onPort.length === 0) return { state: 'absent' };
  const open = onPort.find((s) => !isLoopback(s.address));
  return open ? { state: 'reachable', address: open.address } : { state: 'loopback', address: onPort[0].address };
}

/** /proc/net/tcp stores addresses as 32-bit little-endian words in hex. */
function decodeAddress(hex: string): string {
  const words: Buffer[] = [];
  for (let i = 0; i < hex.length; i += 8) words.push(Buffer.from(hex.slice(i, i + 8), 'hex').reverse());
  const bytes = Buffer.concat(words);
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  const joined = groups.join(':');
  if (joined === '0:0:0:0:0:0:0:0') return '::';
  if (joined === '0:0:0:0:0:0:0:1') return '::1';
  return joined;
}
