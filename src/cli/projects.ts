import * as path from 'node:path';
import { loadProjects, Project } from '../spec';
import { ParsedArgs, UsageError } from './command';

/**
 * The projects a command works on: the FILE or DIR argument (default: the current directory). A path that does
 * not exist, or a folder without project files, is a usage error (exit 2).
 */
export function projectsFromArgs(args: ParsedArgs, cwd: string, env: NodeJS.ProcessEnv): Project[] {
  if (args.positionals.length > 1) throw new UsageError(`expected at most one FILE or DIR, got: ${args.positionals.join(' ')}`);
  const target = path.resolve(cwd, args.positionals[0] ?? '.');
  let projects: Project[];
  try {
    projects = loadProjects(target, { env });
  } catch {
    throw new UsageError(`no such file or directory: ${args.positionals[0] ?? target}`);
  }
  if (projects.length === 0) throw new UsageError(`no s.yaml, s.yml, s-*.yaml or serverless.yml (component: scf) under: ${target}`);
  return projects;
}

/** Paths as a person typed them: relative to the current directory when inside it. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
