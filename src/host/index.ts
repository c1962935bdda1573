/** The local runtime host's public surface: what the CLI, the debug adapter and the extension import. */
export * from './types';
export { Instance, backendFor } from './instance';
export { Gateway } from './gateway';
export { formatLogLine } from './logs';
export { buildRunSpec, CODE_MOUNT, credentialsFromEnvironment } from './runSpec';
export { Backend, freePort } from './backend';
export { inspectImage } from './dockerBackend';
