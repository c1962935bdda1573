/** Projects for the debug tests: an s.yaml written to a temp dir around a fixture's code, and its breakpoint lines. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../../src/host/backend';
import { loadProject } from '../../../src/spec';

export const DEBUG_FIXTURES = path.resolve(__dirname, '../../fixtures/debug');

const created: string[] = [];
// Synchronous on purpose: 'exit' runs no async work, and mocha --exit / the bench end with process exit.
process.on('exit', () => created.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A temp dir removed when the process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** 1-based line of the `BREAK:<name>` marker in a fixture file. */
export function breakLine(file: string, name: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(`BREAK:${name}`));
  if (i < 0) throw new Error(`no BREAK:${name} in ${file}`);
  return i + 1;
}

export interface FixtureProject {
  project: string;
  functionName: string;
  /** FunctionSpec.id, which labels its containers. */
  functionId: string;
  codeDir: string;
  port: number;
}

/** An FC 3.0.0 s.yaml for one custom-runtime function with an initializer and a pre-stop hook. */
export async function writeProject(name: string, codeDir: string, command: string[]): Promise<FixtureProject> {
  const dir = tempDir(`fcbox-debug-${name}-`);
  const port = await freePort();
  const yaml = [
    'edition: 3.0.0',
    `name: debug-${name}`,
    'resources:',
    `  ${name}:`,
    '    component: fc3',
    '    props:',
    '      region: cn-hangzhou',
    `      functionName: ${name}`,
    '      runtime: custom.debian10',
    `      code: ${codeDir}`,
    '      handler: index.handler',
    '      timeout: 5',
    '      memorySize: 128',
    '      customRuntimeConfig:',
    `        command: ${JSON.stringify(command)}`,
    `        port: ${port}`,
    '      instanceLifecycleConfig:',
    '        initializer: { handler: index.initialize, timeout: 5 }',
    '        preStop: { handler: index.preStop, timeout: 5 }',
    '',
  ].join('\n');
  const project = path.join(dir, 's.yaml');
  fs.writeFileSync(project, yaml);
  const functionId = loadProject(project).functions[0].id;
  return { project, functionName: name, functionId, codeDir, port };
}

/** test/fixtures/debug/java/Server.java compiled with line tables (-g) into a temp dir: a Java function's code. */
export function compileJavaFixture(): string {
  const codeDir = tempDir('fcbox-debug-java-');
  fs.copyFileSync(path.join(DEBUG_FIXTURES, 'java', 'Server.java'), path.join(codeDir, 'Server.java'));
  try {
    execFileSync('javac', ['-g', '-d', codeDir, path.join(codeDir, 'Server.java')], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`the Java debug tests need a JDK (javac, jdb): apt-get install openjdk-17-jdk-headless\n${String(e)}`);
  }
  return codeDir;
}
