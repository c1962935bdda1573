import { strict as assert } from 'assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Diagnostic, loadProject, LoadOptions, Project } from '../../../src/spec';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/spec');

/** A scratch project: files written into a fresh temp dir; returns the dir. */
export function scratch(files: Record<string, string | { text: string; mode: number }>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fcbox-spec-'));
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    const { text, mode } = typeof content === 'string' ? { text: content, mode: 0o644 } : content;
    fs.writeFileSync(full, text);
    fs.chmodSync(full, mode);
  }
  return dir;
}

/** Loads YAML text as if it were `<dir>/s.yaml` (dir defaults to a path that has no code on disk). */
export function load(text: string, opts: LoadOptions & { dir?: string } = {}): Project {
  return loadProject(path.join(opts.dir ?? '/nonexistent-fcbox', 's.yaml'), { env: {}, checkFiles: opts.dir !== undefined, ...opts, text });
}

/** The single diagnostic with `code`, asserting there is exactly one. */
export function only(project: Project, code: string): Diagnostic {
  const found = project.diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got: ${JSON.stringify(project.diagnostics.map((d) => `${d.code}: ${d.message}`))}`);
  return found[0];
}

/** One-based `line:col` of a diagnostic's start, as the CLI prints it. */
export function at(d: Diagnostic): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}`;
}

export function codes(project: Project): string[] {
  return project.diagnostics.map((d) => d.code);
}
