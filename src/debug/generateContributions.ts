/**
 * `npm run gen:debug` (tsx): writes the debug contributions from configuration.ts into package.json, touching
 * only `contributes.debuggers` and `contributes.breakpoints`. `--check` exits 1 when package.json is stale.
 * package.json cannot carry a "generated" header, so the check (also run as a unit test) is what keeps it honest.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { breakpointsContribution, debuggerContribution, DEBUG_TYPE } from './configuration';

type PackageJson = { contributes?: { debuggers?: { type: string }[]; breakpoints?: { language: string }[] } } & Record<string, unknown>;

/** package.json with our debugger entry replaced (other debuggers kept) and our breakpoint languages present. */
export function withDebugContributions(pkg: PackageJson): PackageJson {
  const contributes = { ...pkg.contributes };
  const others = (contributes.debuggers ?? []).filter((d) => d.type !== DEBUG_TYPE);
  contributes.debuggers = [...others, debuggerContribution];
  const ours = new Set(breakpointsContribution.map((b) => b.language));
  contributes.breakpoints = [...(contributes.breakpoints ?? []).filter((b) => !ours.has(b.language)), ...breakpointsContribution];
  return { ...pkg, contributes };
}

export function render(pkg: unknown): string {
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

async function main(): Promise<void> {
  const file = path.join(__dirname, '..', '..', 'package.json');
  const current = await fs.readFile(file, 'utf8');
  const next = render(withDebugContributions(JSON.parse(current) as PackageJson));
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('package.json debug contributions are stale: run `npm run gen:debug`');
      process.exitCode = 1;
    }
    return;
  }
  if (next !== current) await fs.writeFile(file, next);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
