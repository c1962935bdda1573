/** What the harness tells the runner; written to `config.json` beside the runner's package.json. */
export interface RunnerConfig {
  /** The CommonJS bundle of the suites (test/e2e/suite/index.ts). */
  suites: string;
  /** mocha's CommonJS entry, taken from the repo's node_modules (the runner extension ships none). */
  mocha: string;
  /** Where the results JSON goes; the harness waits for it. */
  results: string;
  /** One line per finished test, appended while the suites run, so the harness can report progress. */
  progress: string;
  /** Directory for screenshot requests; absent where nobody can take screenshots (@vscode/test-electron). */
  snapshots?: string;
  /** mocha --grep */
  grep?: string;
}

export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface RunResults {
  tests: TestResult[];
  /** Numbers the suites record (activation time, ...), reported by the harness. */
  metrics: Record<string, number>;
  /** Set when the runner itself failed before or outside any test. */
  fatal?: string;
}

export const CONFIG_ENV = 'FCBOX_E2E_CONFIG';
