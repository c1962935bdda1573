/**
 * Node.js: the V8 inspector, switched on through NODE_OPTIONS so any start command that ends in `node` works
 * (a bash bootstrap included). VS Code attaches with js-debug (`type: node`).
 */
import * as http from 'node:http';
import { FcboxError } from '../../spec/errors';
import { appendOption, DebugProfile } from './profile';

/**
 * Programs that start Node but are not the server: NODE_OPTIONS=--inspect gives the inspector to the first Node
 * process, the launcher, and the server it spawns fails to bind it ("address already in use") and runs without
 * one, so breakpoints never hit. (Checked for tsx; npm, npx, yarn and pnpm spawn the script the same way; ts-node
 * is refused until checked.)
 */
export const NODE_LAUNCHERS = ['npm', 'npx', 'yarn', 'pnpm', 'tsx', 'ts-node'];

/** Refuses a start command whose Node process would be a launcher rather than the server (see NODE_LAUNCHERS). */
export function assertNodeServerCommand(executable: string | undefined, command: string[]): void {
  if (!executable || !NODE_LAUNCHERS.includes(executable)) return;
  throw new FcboxError(
    'DebuggerUnsupportedCommand',
    `the function starts through ${executable}, which would take the Node inspector from the server it runs: ${command.join(' ') || '(the bootstrap script)'}`,
    `start the server with \`node <file>\` in customRuntimeConfig.command or the bootstrap script${executable === 'tsx' || executable === 'ts-node' ? ' (TypeScript: `node --import tsx <file>`)' : ''}`,
  );
}

export const nodeProfile: DebugProfile = {
  language: 'node',
  containerPort: 9229,
  cue: { pattern: /Debugger listening on ws:\/\//, description: '"Debugger listening on ws://…"' },

  // Node's inspector answers plain HTTP; asking for /json/version proves the published port reaches it, which a
  // bare TCP connect cannot (docker's userland proxy accepts connections before the container listens).
  probe(port) {
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/json/version', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
  },

  failure(text) {
    const m = /Starting inspector on (\S+) failed: (.*)/.exec(text);
    if (!m) return undefined;
    return new FcboxError(
      'DebuggerNotStarted',
      `the Node inspector could not listen on ${m[1]}: ${m[2]}`,
      'set "debugPort" to a free port, or stop the other process using it',
    );
  },

  enable(spec, listen) {
    // --inspect-brk pauses before the first line; js-debug's continueOnAttach resumes it unless stopOnEntry.
    const flag = listen.wait ? '--inspect-brk' : '--inspect';
    return { ...spec, env: appendOption(spec.env, 'NODE_OPTIONS', `${flag}=${listen.host}:${listen.port}`) };
  },

  attachConfiguration(t) {
    return {
      type: 'node',
      request: 'attach',
      name: t.name,
      address: '127.0.0.1',
      port: t.port,
      localRoot: t.localRoot,
      remoteRoot: t.remoteRoot,
      continueOnAttach: !t.stopOnEntry,
      skipFiles: ['<node_internals>/**'],
      // The adapter already shows the instance's stdout/stderr, with request ids, in the same console; js-debug's
      // default ("console": report console API calls) would show each line a second time. "std" makes it report
      // only process streams, and an attached process has none.
      outputCapture: 'std',
    };
  },
};
