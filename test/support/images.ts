/**
 * Test images built locally (no registry is reachable in CI): a root filesystem holding this machine's `node`,
 * `/bin/sh` and `/bin/bash` with the libraries `ldd` lists, imported with `docker import` and cached by tag.
 * Fixture images are then `docker build`s FROM it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BINARIES = [process.execPath, '/bin/sh', '/bin/bash'];
/** Bump when the image layout changes so stale cached images are not reused. */
const LAYOUT = 'v1';

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

function copyInto(root: string, file: string): void {
  const real = fs.realpathSync(file);
  for (const p of new Set([file, real])) {
    const dest = path.join(root, p);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (!fs.existsSync(dest)) fs.copyFileSync(real, dest);
    fs.chmodSync(dest, fs.statSync(real).mode);
  }
}

/** `fcbox-test/node:<hash>` with node at its host path (on PATH), sh and bash; built once per machine. */
export function nodeBaseImage(): string {
  const files = BINARIES.flatMap((b) => [b, ...libraries(fs.realpathSync(b))]);
  const hash = createHash('sha1')
    .update(LAYOUT)
    .update(files.map((f) => `${f}:${fs.statSync(f).size}:${fs.statSync(f).mtimeMs}`).join('\n'))
    .digest('hex')
    .slice(0, 12);
  const tag = `fcbox-test/node:${hash}`;
  if (imageExists(tag)) return tag;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcbox-rootfs-'));
  try {
    for (const f of files) copyInto(root, f);
    for (const d of ['tmp', 'code', 'etc']) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.chmodSync(path.join(root, 'tmp'), 0o1777);
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    const tar = execFileSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 512 * 1024 * 1024 });
    docker(['import', '--change', `ENV PATH=${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, '-', tag], tar);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return tag;
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
