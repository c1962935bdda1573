/**
 * Test images built locally (no registry is reachable in CI): a root filesystem holding this machine's own
 * runtimes (`node`; Debian's python3.11 with python3-debugpy; a JDK 17 runtime with JDWP), `/bin/sh` and the
 * libraries `ldd` lists, imported with `docker import` and cached by a hash of what went in. Fixture images are
 * then `docker build`s FROM the node one.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Bump when an image layout changes so stale cached images are not reused. */
const LAYOUT = 'v3';

function docker(args: string[], input?: string | Buffer): string {
  return execFileSync('docker', args, { input, encoding: 'utf8', stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function imageExists(tag: string): boolean {
  try {
    docker(['image', 'inspect', tag]);
    return true;
  } catch {
    return false;
  }
}

/** The shared libraries (and loader) a binary needs, as absolute paths. */
function libraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]);
}

function isElf(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    return fs.readSync(fd, magic, 0, 4, 0) === 4 && magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    fs.closeSync(fd);
  }
}

/** Copies a host file's content to `to` under root, keeping its mode and mtime (Python checks .pyc files against it). */
function place(root: string, from: string, to: string): void {
  const dest = path.join(root, to);
  if (fs.existsSync(dest)) return;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(from, dest);
  const st = fs.statSync(from);
  fs.chmodSync(dest, st.mode);
  fs.utimesSync(dest, st.atime, st.mtime);
}

/**
 * Copies a host file to the same path and to its real path. A link to a file beside it (`python3 -> python3.11`,
 * `sh -> dash`) stays a link; other links become copies.
 */
function copyInto(root: string, file: string): void {
  const real = fs.realpathSync(file);
  place(root, real, real);
  if (file === real) return;
  const dest = path.join(root, file);
  const target = fs.lstatSync(file).isSymbolicLink() ? fs.readlinkSync(file) : undefined;
  if (target && !target.includes('/') && path.join(fs.realpathSync(path.dirname(file)), target) === real) {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (!fs.existsSync(dest)) fs.symlinkSync(target, dest);
  } else {
    place(root, real, file);
  }
}

/** The host's top-level directory links (merged /usr: /lib -> usr/lib), so `ldd`'s paths and real paths meet. */
function mirrorTopLinks(root: string): void {
  for (const name of fs.readdirSync('/')) {
    const link = path.join('/', name);
    if (!fs.lstatSync(link).isSymbolicLink() || !fs.statSync(link, { throwIfNoEntry: false })?.isDirectory()) continue;
    const target = fs.readlinkSync(link);
    fs.mkdirSync(path.join(root, target), { recursive: true });
    fs.symlinkSync(target, path.join(root, name));
  }
}

/** A host file and where it goes in the image. */
interface Placement {
  from: string;
  to: string;
}

/** Every file under `dir` (links followed), placed under `to`; directories named in `skip` are left out. */
function tree(dir: string, to = dir, skip: ReadonlySet<string> = new Set()): Placement[] {
  return fs.readdirSync(dir).flatMap((name) => {
    const from = path.join(dir, name);
    const st = fs.statSync(from, { throwIfNoEntry: false });
    if (!st || skip.has(name)) return [];
    return st.isDirectory() ? tree(from, path.join(to, name), skip) : st.isFile() ? [{ from, to: path.join(to, name) }] : [];
  });
}

interface Layout {
  /** Host binaries at their own paths, each with its libraries. */
  binaries: string[];
  /** Files placed as they are (dereferenced); the ELF ones bring their libraries. */
  files: Placement[];
  /** PATH in the image. */
  path: string[];
}

/**
 * `fcbox-test/<name>:<hash>`, imported from a root filesystem holding `layout` (with /tmp, /code, /etc/passwd), and
 * built only when no image has that tag. The hash covers `key` and the size and mtime of the `fingerprint` files,
 * so it is cheap to compute; `layout` runs only to build (it may do slow work such as jlink in `scratch`).
 */
function hostImage(name: string, key: string, fingerprint: string[], layout: (scratch: string) => Layout): string {
  const hash = createHash('sha1').update(LAYOUT).update(key);
  for (const f of fingerprint) {
    const st = fs.statSync(f);
    hash.update(`${f}:${st.size}:${st.mtimeMs}\n`);
  }
  const tag = `fcbox-test/${name}:${hash.digest('hex').slice(0, 12)}`;
  if (imageExists(tag)) return tag;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fcbox-image-'));
  try {
    const { binaries, files, path: searchPath } = layout(scratch);
    const root = path.join(scratch, 'rootfs');
    mirrorTopLinks(root);
    const elfFiles = [...binaries.map((b) => fs.realpathSync(b)), ...files.map((f) => f.from).filter((f) => /\.so(\.|$)/.test(f) || (fs.statSync(f).mode & 0o111 && isElf(f)))];
    const libs = new Set(elfFiles.flatMap(libraries));
    for (const f of [...binaries, ...libs]) copyInto(root, f);
    for (const f of files) place(root, f.from, f.to);
    for (const d of ['tmp', 'code', 'etc']) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.chmodSync(path.join(root, 'tmp'), 0o1777);
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    const tar = execFileSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 1024 * 1024 * 1024 });
    docker(['import', '--change', `ENV PATH=${searchPath.join(':')}`, '-', tag], tar);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return tag;
}

const SYSTEM_PATH = ['/usr/local/bin', '/usr/bin', '/bin'];

/** `fcbox-test/node:<hash>` with node at its host path (on PATH), sh and bash; built once per machine. */
export function nodeBaseImage(): string {
  const binaries = [process.execPath, '/bin/sh', '/bin/bash'];
  const fingerprint = binaries.flatMap((b) => [b, ...libraries(fs.realpathSync(b))]);
  return hostImage('node', '', fingerprint, () => ({ binaries, files: [], path: [path.dirname(process.execPath), ...SYSTEM_PATH] }));
}

/** Debian's interpreter: python3-debugpy is installed for it (the pyenv python3 first on PATH has no debugpy). */
const PYTHON = '/usr/bin/python3';
/** Stdlib parts no function or debugpy imports: tests, GUI, build files, docs; about half the stdlib's size. */
const STDLIB_SKIP = new Set(['test', 'idlelib', 'tkinter', 'turtledemo', 'ensurepip', 'lib2to3', 'pydoc_data']);

/**
 * debugpy and what it imports from outside its own tree on Debian, which un-vendors pydevd (symlinks inside
 * debugpy/_vendored, followed by the copy) and pydevd's `bytecode` (a package of its own). pydevd_plugins falls
 * back to pkgutil without pkg_resources.
 */
const DEBUGPY_PACKAGES = ['debugpy', 'bytecode'];

/** `fcbox-test/python:<hash>`: /usr/bin/python3 (Debian's), its stdlib without STDLIB_SKIP, DEBUGPY_PACKAGES, sh. */
export function pythonDebugImage(): string {
  let version: string, packages: string[];
  try {
    const script = `import os, sys; print("%d.%d" % sys.version_info[:2])\nfor m in ${JSON.stringify(DEBUGPY_PACKAGES)}: print(os.path.dirname(__import__(m).__file__))`;
    [version, ...packages] = execFileSync(PYTHON, ['-c', script], { encoding: 'utf8', stdio: 'pipe' }).trim().split('\n');
  } catch (e) {
    throw new Error(`the Python test image needs Debian's debugpy for ${PYTHON}: apt-get install python3-debugpy\n${String(e)}`);
  }
  const stdlib = `/usr/lib/python${version}`;
  const skip = new Set([...STDLIB_SKIP, `config-${version}-x86_64-linux-gnu`, `config-${version}-aarch64-linux-gnu`]);
  const files = [...tree(stdlib, stdlib, skip), ...packages.flatMap((p) => tree(p))];
  const binaries = [PYTHON, '/bin/sh'];
  return hostImage('python', version, [...binaries.map((b) => fs.realpathSync(b)), ...files.map((f) => f.from)], () => ({ binaries, files, path: SYSTEM_PATH }));
}

/** The JDK that `javac` on PATH belongs to (tests compile their fixtures with it, so its runtime runs them). */
export function javaHome(): string {
  const javac = execFileSync('sh', ['-c', 'command -v javac'], { encoding: 'utf8' }).trim();
  return path.dirname(path.dirname(fs.realpathSync(javac)));
}

/** What a function's JVM needs: the HTTP server of the fixtures, and the JDWP agent (lib/libjdwp.so). */
const JAVA_MODULES = ['java.base', 'jdk.httpserver', 'jdk.jdwp.agent'];

/**
 * `fcbox-test/java:<hash>`: a runtime of javaHome()'s JDK cut down by jlink to JAVA_MODULES (about 45 MB instead of
 * 260), at the JDK's own path, with `java` on PATH; sh. jlink reads the JDK's jmods (openjdk-17-jdk-headless).
 */
export function javaDebugImage(): string {
  const home = javaHome();
  const jmods = JAVA_MODULES.map((m) => path.join(home, 'jmods', `${m}.jmod`));
  const missing = jmods.filter((j) => !fs.existsSync(j));
  if (missing.length) throw new Error(`the Java test image is made with jlink from the JDK's jmods; missing: ${missing.join(', ')}`);
  const fingerprint = [path.join(home, 'release'), path.join(home, 'bin/jlink'), ...jmods, '/bin/sh', ...libraries(path.join(home, 'lib/server/libjvm.so'))];
  return hostImage('java', JAVA_MODULES.join(','), fingerprint, (scratch) => {
    const runtime = path.join(scratch, 'jre');
    execFileSync(path.join(home, 'bin/jlink'), ['--module-path', path.join(home, 'jmods'), '--add-modules', JAVA_MODULES.join(','), '--strip-debug', '--no-header-files', '--no-man-pages', '--output', runtime]);
    return { binaries: ['/bin/sh'], files: tree(runtime, home), path: [path.join(home, 'bin'), ...SYSTEM_PATH] };
  });
}

/** Builds `dockerfile` (its FROM may say `{{base}}`) with `contextDir` as context, cached by content. */
export function buildImage(name: string, contextDir: string, dockerfile: string): string {
  const text = dockerfile.replace(/\{\{base\}\}/g, nodeBaseImage());
  const hash = createHash('sha1').update(text);
  for (const f of fs.readdirSync(contextDir).sort()) {
    const p = path.join(contextDir, f);
    if (fs.statSync(p).isFile()) hash.update(f).update(fs.readFileSync(p)).update(String(fs.statSync(p).mode));
  }
  const tag = `fcbox-test/${name}:${hash.digest('hex').slice(0, 12)}`;
  if (!imageExists(tag)) docker(['build', '-q', '-t', tag, '-f', '-', contextDir], text);
  return tag;
}

/** The custom-container fixture: test/fixtures/host/server.js as the image's entrypoint, listening on 9000. */
export function fixtureAppImage(contextDir: string): string {
  return buildImage(
    'app',
    contextDir,
    `FROM {{base}}
COPY server.js bootstrap-noexec /app/
WORKDIR /app
ENTRYPOINT ["node", "/app/server.js"]
`,
  );
}

/** Ids of fcbox containers whose function id starts with `functionIdPrefix` (other suites may run their own). */
export function fcboxContainers(functionIdPrefix: string): string[] {
  return docker(['ps', '-a', '--filter', 'label=fcbox=1', '--format', '{{.ID}} {{.Label "fcbox.function"}}'])
    .split('\n')
    .filter(Boolean)
    .map((row) => row.split(' '))
    .filter(([, fn]) => fn.startsWith(functionIdPrefix))
    .map(([id]) => id);
}
