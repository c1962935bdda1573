import * as path from 'node:path';
import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import { Diagnostic, FunctionSpec, Project, qualifiedName, SourceRange } from './model';
import { findProjectFiles } from './discover';
import { FileAccess, nodeFileAccess } from './fileAccess';
import { collectionOf, detectEdition, normalise } from './normalise';
import { ParsedFile, scalarKey } from './parse';
import { Outcome, Resolver } from './resolve';
import { checkFunctions } from './semantics';
import { validateSchema } from './validate';
import { FcboxError } from './errors';
import { severityOf } from './codes';

export interface LoadOptions {
  /** The file's text, e.g. an unsaved editor buffer; read from disk when absent. */
  text?: string;
  /** Values for `${env(...)}`; process.env when absent. */
  env?: Record<string, string | undefined>;
  files?: FileAccess;
  /**
   * Check the code directory and its bootstrap on disk (default true). Off for files whose code is not present,
   * such as published examples kept only for their s.yaml.
   */
  checkFiles?: boolean;
}

/**
 * Reads one project file into functions and diagnostics. Content problems never throw: whatever the text,
 * the result is a Project whose diagnostics say what is wrong.
 */
export function loadProject(file: string, opts: LoadOptions = {}): Project {
  const absolute = path.resolve(file);
  const files = opts.files ?? nodeFileAccess;
  const text = opts.text ?? files.readText(absolute);
  if (text === undefined) {
    return { file: absolute, edition: undefined, functions: [], diagnostics: [unreadable(absolute)] };
  }
  const parsed = new ParsedFile(absolute, text);
  const edition = detectEdition(parsed);
  if (!edition) {
    if (parsed.doc.errors.length === 0) {
      parsed.report('unknown-edition', parsed.locate([]), 'not a Serverless Devs project or SCF serverless.yml: no edition, services, resources or component: scf', 'start the file with `edition: 3.0.0` and a `resources:` map');
    }
    return { file: absolute, edition, functions: [], diagnostics: unique(parsed.diagnostics) };
  }
  validateSchema(parsed);
  const resolver = new Resolver(parsed, collectionOf(edition), opts.env ?? process.env, files);
  const functions = normalise(parsed, edition, resolver);
  checkFunctions(parsed, functions, opts.checkFiles === false ? undefined : files);
  return { file: absolute, edition, functions: functions.map((f) => f.spec), diagnostics: unique(parsed.diagnostics) };
}

/** A project file, or every project file under a directory. Throws FcboxError only when the path does not exist. */
export function loadProjects(fileOrDir: string, opts: Omit<LoadOptions, 'text'> = {}): Project[] {
  const files = opts.files ?? nodeFileAccess;
  const stat = files.stat(path.resolve(fileOrDir));
  if (!stat) throw new FcboxError('NotFound', `no such file or directory: ${fileOrDir}`, 'pass an s.yaml, a serverless.yml or a folder that contains one');
  const targets = stat.kind === 'directory' ? findProjectFiles(fileOrDir, files) : [path.resolve(fileOrDir)];
  return targets.map((f) => loadProject(f, opts));
}

/**
 * The function a user named: its function name, `service/function` (1.0.0), its resource key, or its id.
 * Undefined when nothing matches; an FcboxError when the name is ambiguous.
 */
export function findFunction(projects: Project[], query: string): FunctionSpec | undefined {
  const all = projects.flatMap((p) => p.functions);
  for (const match of [
    (f: FunctionSpec) => f.id === query,
    (f: FunctionSpec) => f.service !== undefined && qualifiedName(f) === query,
    (f: FunctionSpec) => f.name === query,
    (f: FunctionSpec) => f.resourceKey === query,
  ]) {
    const found = all.filter(match);
    if (found.length === 1) return found[0];
    if (found.length > 1) {
      throw new FcboxError('AmbiguousFunction', `more than one function matches: ${query}`, `use one of: ${found.map((f) => (f.service ? qualifiedName(f) : f.id)).join(', ')}`);
    }
  }
  return undefined;
}

/**
 * Errors that make a local start meaningless. Deploy-only problems (a missing region, a misspelt key) do not
 * stop a local run; start-file problems (CAExited, CAFilePermission, CRLF) are left to the host, which answers
 * them the way FC does (seed 003).
 */
const BLOCKS_START = new Set<string>(['codedir-missing', 'bootstrap-missing', 'image-missing', 'container-command-json', 'port-out-of-range']);

/**
 * Why a function cannot run, from an error in its own part of the project file, reported as the s.yaml problem
 * it is before anything starts. Undefined when it can be started.
 */
export function configurationError(project: Project | undefined, fn: FunctionSpec): FcboxError | undefined {
  const inFunction = (d: Diagnostic) => d.file === fn.projectFile && d.range.start.line >= fn.range.start.line && d.range.end.line <= fn.range.end.line;
  const problem = project?.diagnostics.find((d) => BLOCKS_START.has(d.code) && inFunction(d));
  if (!problem) return undefined;
  const where = `${path.basename(problem.file)}:${problem.range.start.line + 1}:${problem.range.start.character + 1}`;
  return new FcboxError(problem.code, `${fn.name} cannot start: ${problem.message} (${where})`, problem.hint);
}

/** One `${...}` in a file, for hovers and highlighting. */
export interface VariableReference {
  range: SourceRange;
  /** The text between `${` and `}`. */
  expression: string;
  /** `resolved` with `value`; otherwise why it stays as written. */
  outcome: Outcome;
}

/** Every `${...}` in the text (values and keys), each with its range and what it resolves to. */
export function variableReferences(file: string, text: string, opts: Omit<LoadOptions, 'text' | 'checkFiles'> = {}): VariableReference[] {
  const parsed = new ParsedFile(path.resolve(file), text);
  const resolver = new Resolver(parsed, collectionOf(detectEdition(parsed)), opts.env ?? process.env, opts.files ?? nodeFileAccess);
  const out: VariableReference[] = [];
  const visit = (node: unknown, keys: string[]): void => {
    // `this` inside services.<key> / resources.<key> refers to that component.
    const scope = keys[0] === 'services' || keys[0] === 'resources' ? keys[1] : undefined;
    if (isScalar(node) && typeof node.value === 'string') {
      for (const r of resolver.references(node as Scalar<string>, scope)) out.push({ range: r.range, expression: r.span.source, outcome: r.outcome });
    } else if (isMap(node)) {
      for (const pair of node.items) {
        visit(pair.key, keys);
        visit(pair.value, [...keys, scalarKey(pair.key) ?? '']);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, [...keys, '']);
    }
  };
  visit(parsed.doc.contents, []);
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function unreadable(file: string): Diagnostic {
  const zero = { line: 0, character: 0 };
  return { file, range: { start: zero, end: zero }, severity: severityOf('file-unreadable'), code: 'file-unreadable', message: `cannot read the file: ${file}` };
}

/** In file order, each problem once: the same value can be resolved more than once (a var used twice). */
function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics
    .filter((d) => {
      const key = `${d.code}|${d.range.start.line}:${d.range.start.character}|${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
