import * as path from 'node:path';
import { FileAccess, nodeFileAccess } from './fileAccess';

/** Serverless Devs looks for s.yaml / s.yml, and `s-<env>.yaml` (or `s.<env>.yaml`) for environments. */
const SERVERLESS_DEVS_FILE = /^s(\.ya?ml|-.+\.ya?ml|\..+\.ya?ml)$/;
const SCF_FILE = /^serverless\.ya?ml$/;
/** Dependencies, VCS data and build output never hold the user's own project files. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist', '.fcbox', '.s']);

/** The same names as a glob, for editors that search and watch files themselves. */
export const PROJECT_FILE_GLOB = '**/{s.yaml,s.yml,s-*.yaml,s-*.yml,s.*.yaml,s.*.yml,serverless.yml,serverless.yaml}';

/** A candidate by name; a serverless.yml still has to declare `component: scf` (see findProjectFiles). */
export function isProjectFileName(name: string): boolean {
  return SERVERLESS_DEVS_FILE.test(name) || SCF_FILE.test(name);
}

/** Project files under `dir`, sorted; a serverless.yml counts only when it declares `component: scf`. */
export function findProjectFiles(dir: string, files: FileAccess = nodeFileAccess): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    for (const entry of files.list(current)) {
      const full = path.join(current, entry.name);
      if (entry.directory) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full);
      } else if (SERVERLESS_DEVS_FILE.test(entry.name) || (SCF_FILE.test(entry.name) && isScfFile(files.readText(full)))) {
        found.push(full);
      }
    }
  };
  walk(path.resolve(dir));
  return found.sort();
}

function isScfFile(text: string | undefined): boolean {
  return text !== undefined && /^component:\s*['"]?scf['"]?\s*(#.*)?$/m.test(text);
}
