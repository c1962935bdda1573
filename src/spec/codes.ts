import { Severity } from './model';

/**
 * Every diagnostic code `spec/` can produce. The CLI, the README and the editor read this one table, so a code
 * never changes meaning once published. Platform codes (`CAExited`, `CAFilePermission`) keep FC's own spelling:
 * they predict the error FC would return at start-up.
 */
export const DIAGNOSTIC_CODES = [
  { code: 'file-unreadable', severity: 'error', description: 'The project file cannot be read.' },
  { code: 'yaml-syntax', severity: 'error', description: 'The file is not well-formed YAML.' },
  { code: 'unknown-edition', severity: 'warning', description: 'No `edition` (1.0.0 / 3.0.0) and no `component: scf`; the file is not read as a project.' },
  { code: 'unknown-key', severity: 'warning', description: 'A key the platform does not know (often a misspelling); the tools ignore it silently. Suggests the closest known key.' },
  { code: 'missing-key', severity: 'error', description: 'A required key is absent.' },
  { code: 'invalid-type', severity: 'error', description: 'A value has the wrong type (for example text where a number is expected).' },
  { code: 'invalid-value', severity: 'error', description: 'A value is not one of the allowed values or does not have the allowed form.' },
  { code: 'out-of-range', severity: 'error', description: 'A number is outside the range the platform accepts.' },
  { code: 'unresolved-variable', severity: 'warning', description: 'A `${...}` reference that cannot be resolved locally; it stays as written.' },
  { code: 'deploy-time-variable', severity: 'info', description: 'A `${...}` reference only Serverless Devs can resolve at deploy time (outputs, config, secrets); it stays as written.' },
  { code: 'env-unset', severity: 'warning', description: '`${env(\'X\')}` names an environment variable that is not set and has no default.' },
  { code: 'codedir-missing', severity: 'error', description: 'The code directory (`codeUri`, `code`, `src`) does not exist.' },
  { code: 'bootstrap-missing', severity: 'error', description: 'Custom runtime without a start command and without a `bootstrap` file in the code directory.' },
  { code: 'command-not-found', severity: 'warning', description: 'The start command points into the code directory at a file that does not exist (yet: a build step may create it).' },
  { code: 'CAFilePermission', severity: 'error', description: 'The start file (`bootstrap`) is not executable; FC refuses to start it.' },
  { code: 'CAExited', severity: 'error', description: 'The start file is neither a binary nor a script with a `#!` line; exec fails with "exec format error".' },
  { code: 'bootstrap-crlf', severity: 'error', description: 'The start script has Windows (CRLF) line endings; its `#!` interpreter "bash\\r" cannot be found.' },
  { code: 'image-missing', severity: 'error', description: 'A custom-container (or SCF image) function without an image.' },
  { code: 'container-command-json', severity: 'error', description: 'Edition 1.0.0 `customContainerConfig.command`/`args` must be a JSON array written as a string, e.g. \'["node"]\'.' },
  { code: 'port-out-of-range', severity: 'error', description: 'The listen port is not between 1 and 65535.' },
  { code: 'initializer-timeout', severity: 'warning', description: 'The initializer timeout is longer than the function timeout.' },
  { code: 'http-trigger-no-methods', severity: 'error', description: 'An HTTP trigger lists no HTTP methods, so no request can reach the function.' },
  { code: 'duplicate-function', severity: 'error', description: 'Two functions in one project have the same name; one would overwrite the other.' },
] as const satisfies readonly { code: string; severity: Severity; description: string }[];

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number]['code'];

export function severityOf(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES.find((c) => c.code === code)!.severity;
}
