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
  /**
   * Directory for requests to the harness (screenshots, UI steps); absent where no harness drives a browser
   * (@vscode/test-electron).
   */
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

/**
 * One thing the harness does in the workbench's page with Playwright, for what the extension API cannot reach
 * (quick inputs, the status bar). Selectors are Playwright's (CSS plus `:has-text()`).
 */
export type UiStep =
  /** Waits until a match is visible. */
  | { wait: string; timeoutMs?: number }
  /** Waits until nothing matches, or no match is visible. */
  | { gone: string; timeoutMs?: number }
  /** Adds the first match's input value (inputs) or text (anything else) to the answer. */
  | { read: string }
  /** Adds the text of every match, in order, to the answer (as one array). */
  | { readAll: string }
  | { fill: string; value: string }
  | { press: string; key: string }
  | { click: string };

/** The harness's answer to `<name>.ui.json` (UiStep[]), written to `<name>.ui-done.json`. */
export interface UiAnswer {
  values: (string | string[])[];
  error?: string;
}
