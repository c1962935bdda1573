/** The local runtime host's public surface: what the CLI, the debug adapter and the extension import. */
export * from './types';
export { Instance, InvokeOptions, backendFor } from './instance';
export { Gateway, GatewayOptions } from './gateway';
export { buildRunSpec, resolveBackend, platformStartupTimeoutMs, stablePort, mapCodePath, CODE_MOUNT } from './runSpec';
export { Backend, BackendIO, RunningServer, ExitInfo, freePort } from './backend';
export { ProcessBackend } from './processBackend';
export { DockerBackend, ensureDocker, inspectImage } from './dockerBackend';
