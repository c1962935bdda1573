/**
 * Java: JDWP, switched on through JAVA_TOOL_OPTIONS, which every JVM reads, so `java -jar`, a launcher script
 * or a framework's own start script all work. VS Code attaches with the Java debugger (`type: java`).
 */
import { FcboxError } from '../../spec/errors';
import { appendOption, DebugProfile } from './profile';

export const javaProfile: DebugProfile = {
  language: 'java',
  containerPort: 5005,
  cue: { pattern: /Listening for transport dt_socket at address:/, description: '"Listening for transport dt_socket at address: …"' },
  // No probe: JDWP takes any connection for its debugger. A bare connect prints "handshake failed" into the
  // function's log, and completing the handshake then leaving releases suspend=y (both verified on JDK 17). The
  // agent prints the cue only after it is bound.

  failure(text) {
    const m = /ERROR: transport error 202: (.*)|FATAL ERROR in native method: JDWP (.*)/.exec(text);
    if (!m) return undefined;
    return new FcboxError('DebuggerNotStarted', `the JVM could not start JDWP: ${m[1] ?? m[2]}`, 'set "debugPort" to a free port');
  },

  enable(spec, listen) {
    // Since JDK 9 a bare port binds loopback only; inside a container the port must be reachable, so `*:PORT`.
    const address = listen.host === '0.0.0.0' ? `*:${listen.port}` : `${listen.host}:${listen.port}`;
    const suspend = listen.wait ? 'y' : 'n';
    const agent = `-agentlib:jdwp=transport=dt_socket,server=y,suspend=${suspend},address=${address}`;
    return { ...spec, env: appendOption(spec.env, 'JAVA_TOOL_OPTIONS', agent) };
  },

  attachConfiguration(t) {
    return {
      type: 'java',
      request: 'attach',
      name: t.name,
      hostName: '127.0.0.1',
      port: t.port,
      sourcePaths: [t.localRoot],
    };
  },
};
