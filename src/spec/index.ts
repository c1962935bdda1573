/** The public face of `spec/`: everything the CLI, the host and the editor need from s.yaml. */
export * from './model';
export { asFcboxError, FcboxError, isFcboxError } from './errors';
export { DIAGNOSTIC_CODES } from './codes';
export type { DiagnosticCode } from './codes';
export { nodeFileAccess } from './fileAccess';
export type { FileAccess } from './fileAccess';
export { findProjectFiles, isProjectFileName, PROJECT_FILE_GLOB, SKIPPED_DIRS } from './discover';
export { loadProject, loadProjects, findFunction, configurationError, variableReferences } from './project';
export type { LoadOptions, VariableReference } from './project';
export type { Outcome } from './resolve';
export { S_YAML_SCHEMA } from './validate';
