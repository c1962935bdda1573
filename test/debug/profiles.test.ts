/**
 * The language profiles as pure RunSpec transforms (asserting the generated command line and environment, as
 * aws-toolkit's guidelines recommend), language detection, and the debugpy bootstrap run for real.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FcboxError } from '../../src/spec/errors';
import type { RunSpec } from '../../src/host/types';
import { detectLanguage, profileFor, runtimeExecutable } from '../../src/debug/profiles';
import { assertNodeServerCommand } from '../../src/debug/profiles/node';
import { tempDir } from './support/fixtures';
import { choosePython, PYTHON_CUE, pythonCommandOfScript, wrapPythonCommand } from '../../src/debug/profiles/python';

function spec(backend: RunSpec['backend'], command: string[], env: Record<string, string> = {}): RunSpec {
  const base = { functionId: 'f', runtime: 'custom.debian10', env, mounts: [], server: { containerPort: 9000, hostPort: 9000 }, extraPorts: [], labels: {}, startupTimeoutMs: 1000 };
  return backend === 'process' ? { ...base, backend, argv: command, cwd: '/tmp' } : { ...base, backend, entrypoint: command.slice(0, 1), argv: command.slice(1), cwd: '/code' };
}

const processListen = { host: '127.0.0.1', port: 4711, wait: false };
const containerListen = { host: '0.0.0.0', port: 9229, wait: true };

describe('debug profiles', () => {
  describe('node', () => {
    const node = profileFor('node');
    it('switches the inspector on through NODE_OPTIONS, keeping what the user set', () => {
      const out = node.enable(spec('process', ['node', 'index.js'], { NODE_OPTIONS: '--max-old-space-size=512' }), processListen);
      assert.equal(out.env.NODE_OPTIONS, '--max-old-space-size=512 --inspect=127.0.0.1:4711');
      assert.deepEqual(out.argv, ['node', 'index.js']);
    });
    it('listens on 0.0.0.0 inside a container and breaks on the first line when holding', () => {
      assert.equal(node.enable(spec('docker', ['/code/bootstrap']), containerListen).env.NODE_OPTIONS, '--inspect-brk=0.0.0.0:9229');
    });
    it('attaches js-debug to 127.0.0.1 with the path mapping, continuing unless stopOnEntry', () => {
      const config = node.attachConfiguration({ name: 'fn', port: 5000, localRoot: '/src', remoteRoot: '/code', stopOnEntry: false });
      assert.deepEqual(
        { type: config.type, request: config.request, address: config.address, port: config.port, localRoot: config.localRoot, remoteRoot: config.remoteRoot, continueOnAttach: config.continueOnAttach },
        { type: 'node', request: 'attach', address: '127.0.0.1', port: 5000, localRoot: '/src', remoteRoot: '/code', continueOnAttach: true },
      );
    });
    it('reports an inspector that could not bind', () => {
      assert.equal(node.failure('Starting inspector on 127.0.0.1:9229 failed: address already in use')?.code, 'DebuggerNotStarted');
    });
  });

  describe('python', () => {
    const listen = { host: '0.0.0.0', port: 5678, wait: false };
    const tail = (cmd: string[]) => cmd.filter((a) => !a.includes('debugpy.listen'));
    it('runs a script under the same interpreter, keeping interpreter options first', () => {
      assert.deepEqual(tail(wrapPythonCommand(['python3', '-u', '-X', 'dev', 'app.py', '--port', '9000'], listen)), ['python3', '-u', '-X', 'dev', '-c', '--file', 'app.py', '--port', '9000']);
    });
    it('runs `-m module` and gunicorn-style launchers as modules', () => {
      assert.deepEqual(tail(wrapPythonCommand(['/usr/bin/python3.11', '-m', 'flask', 'run'], listen)), ['/usr/bin/python3.11', '-c', '-m', 'flask', 'run']);
      assert.deepEqual(tail(wrapPythonCommand(['gunicorn', '-b', '0.0.0.0:9000', 'app:app'], listen)), ['python3', '-c', '-m', 'gunicorn', '-b', '0.0.0.0:9000', 'app:app']);
      assert.deepEqual(tail(wrapPythonCommand(['waitress-serve', 'app:app'], listen)), ['python3', '-c', '-m', 'waitress', 'app:app']);
    });
    it('says what to change when the command does not run python directly', () => {
      for (const command of [['/code/bootstrap'], ['python3'], ['bash', '-c', 'python3 app.py']]) {
        assert.throws(() => wrapPythonCommand(command, listen), (e: FcboxError) => e.code === 'DebuggerUnsupportedCommand' && /customRuntimeConfig\.command/.test(e.hint ?? ''));
        // The suggested debugpy.listen for a process is loopback only: 0.0.0.0 would open the debugger to the network.
        assert.throws(() => wrapPythonCommand(command, listen), (e: FcboxError) => /debugpy\.listen\(\("127\.0\.0\.1", 5678\)\) in your code \(\("0\.0\.0\.0", 5678\) only inside a container/.test(e.hint ?? ''));
      }
    });
    it('reads the python command out of a bootstrap that only execs it', () => {
      assert.deepEqual(pythonCommandOfScript('#!/bin/bash\n# FC runs this\nexec python3 -u server.py\n'), ['python3', '-u', 'server.py']);
      assert.deepEqual(pythonCommandOfScript('#!/bin/sh\r\ngunicorn -b 0.0.0.0:9000 app:app\r\n'), ['gunicorn', '-b', '0.0.0.0:9000', 'app:app']);
      for (const script of ['#!/bin/bash\nexport A=1\nexec python3 app.py\n', '#!/bin/bash\nexec python3 "$APP"\n', '#!/bin/bash\nexec node server.js\n']) {
        assert.equal(pythonCommandOfScript(script), undefined, script);
      }
    });
    it('wraps a container command across ENTRYPOINT and CMD', () => {
      const out = profileFor('python').enable(spec('docker', ['python3', 'app.py']), listen);
      assert.deepEqual(out.entrypoint, ['python3']);
      assert.deepEqual(tail(out.argv as string[]), ['-c', '--file', 'app.py']);
    });
    it('prefers the command’s own interpreter, then one that can import debugpy', async () => {
      const asked: string[] = [];
      const probe = async (python: string, modules: string[]) => (asked.push(`${python}:${modules.join(',')}`), python === '/usr/bin/python3');
      const wrapped = wrapPythonCommand(['python3', '-m', 'gunicorn', 'app:app'], listen);
      assert.equal(await choosePython(wrapped, {}, probe), '/usr/bin/python3');
      assert.deepEqual(asked, ['python3:debugpy,gunicorn', 'python:debugpy,gunicorn', '/usr/bin/python3:debugpy,gunicorn']);
      await assert.rejects(choosePython(wrapped, {}, async () => false), (e: FcboxError) => e.code === 'DebuggerNotInstalled');
    });
    it('the bootstrap prints the cue and then runs the script or module as python would (real debugpy)', () => {
      const dir = tempDir('fcbox-pyboot-');
      fs.writeFileSync(path.join(dir, 'app.py'), 'import sys\nprint(__name__, sys.argv)\n');
      const run = (command: string[]) => execFileSync(command[0], command.slice(1), { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const port = 20000 + Math.floor(Math.random() * 10000);
      const script = wrapPythonCommand(['/usr/bin/python3', 'app.py', 'a', 'b'], { host: '127.0.0.1', port, wait: false });
      assert.equal(run(script).trim(), "__main__ ['app.py', 'a', 'b']");
      const module = wrapPythonCommand(['/usr/bin/python3', '-m', 'app', 'x'], { host: '127.0.0.1', port: port + 1, wait: false });
      assert.match(run(module).trim(), /^__main__ \['.*app\.py', 'x'\]$/);
    });
    it('knows the cue the bootstrap prints, and a missing debugpy', () => {
      assert.ok(profileFor('python').cue.pattern.test(`${PYTHON_CUE} 0.0.0.0:5678`));
      assert.equal(profileFor('python').failure("ModuleNotFoundError: No module named 'debugpy'")?.code, 'DebuggerNotInstalled');
    });
  });

  describe('java', () => {
    const java = profileFor('java');
    it('binds JDWP to 127.0.0.1 for a process and * in a container, suspending when holding', () => {
      assert.equal(java.enable(spec('process', ['java', '-jar', 'app.jar']), processListen).env.JAVA_TOOL_OPTIONS, '-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:4711');
      assert.equal(java.enable(spec('docker', ['java', '-jar', 'app.jar'], { JAVA_TOOL_OPTIONS: '-Xmx256m' }), { host: '0.0.0.0', port: 5005, wait: true }).env.JAVA_TOOL_OPTIONS, '-Xmx256m -agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=*:5005');
    });
    it('attaches the Java debugger to 127.0.0.1', () => {
      const config = java.attachConfiguration({ name: 'fn', port: 5005, localRoot: '/src', remoteRoot: '/code', stopOnEntry: false });
      assert.equal(config.type, 'java');
      assert.equal(config.hostName, '127.0.0.1');
      assert.equal(config.port, 5005);
    });
  });

  describe('language detection', () => {
    it('reads the start command, then the bootstrap script, then the runtime', () => {
      assert.equal(detectLanguage(['/usr/local/bin/node', 'server.js'], 'custom'), 'node');
      assert.equal(detectLanguage(['npm', 'start'], 'custom'), 'node');
      assert.equal(detectLanguage(['python3.10', 'app.py'], 'custom'), 'python');
      assert.equal(detectLanguage(['uvicorn', 'main:app'], 'custom'), 'python');
      assert.equal(detectLanguage(['java', '-jar', 'app.jar'], 'custom'), 'java');
      assert.equal(detectLanguage(['/code/bootstrap'], 'custom.debian10', '#!/bin/bash\n# start python? no: node\nexport X=1\nexec python3 -u app.py\n'), 'python');
      assert.equal(detectLanguage([], 'nodejs16'), 'node');
    });
    it('asks for `language` when it cannot tell', () => {
      assert.throws(() => detectLanguage(['/app/server'], 'custom-container'), (e: FcboxError) => e.code === 'DebuggerLanguageUnknown' && /"language"/.test(e.hint ?? ''));
    });
  });

  describe('Node launchers', () => {
    const refused = (command: string[], bootstrap?: string) => () => assertNodeServerCommand(runtimeExecutable(command, bootstrap), command);
    it('refuses package managers and tsx/ts-node, which would take the inspector from the server', () => {
      for (const command of [['npm', 'start'], ['/usr/bin/npx', 'serve'], ['yarn', 'start'], ['pnpm', 'start'], ['tsx', 'index.ts'], ['ts-node', 'index.ts']]) {
        assert.throws(refused(command), (e: FcboxError) => e.code === 'DebuggerUnsupportedCommand' && /`node <file>` in customRuntimeConfig\.command/.test(e.hint ?? ''), command.join(' '));
      }
      assert.throws(refused(['/code/bootstrap'], '#!/bin/bash\nnpm run start\n'), /starts through npm/);
      assert.throws(refused(['tsx', 'index.ts']), (e: FcboxError) => /node --import tsx/.test(e.hint ?? ''));
    });
    it('accepts node itself, loaders included', () => {
      refused(['node', 'index.js'])();
      refused(['node', '--import', 'tsx', 'index.ts'])();
      refused(['/code/bootstrap'], '#!/bin/bash\nexec node --import tsx index.ts\n')();
    });
    // The reason for the refusal, run for real: under tsx the cue comes from tsx's own process.
    it('tsx really does leave the server without the inspector', function () {
      const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
      if (!fs.existsSync(tsx)) this.skip();
      const dir = tempDir('fcbox-tsx-');
      fs.writeFileSync(path.join(dir, 'server.ts'), "const url: string | undefined = require('node:inspector').url(); console.log(`server inspector=${url ?? 'none'}`);\n");
      const port = 30000 + Math.floor(Math.random() * 20000);
      let out = '';
      try {
        out = execFileSync(tsx, [path.join(dir, 'server.ts')], { env: { ...process.env, NODE_OPTIONS: `--inspect=127.0.0.1:${port}` }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? '');
      }
      assert.match(out, /server inspector=none/);
    });
  });
});
