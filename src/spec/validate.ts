import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import schema from '../../schemas/s.schema.json';

/** The s.yaml schema as bundled; the editor's completion reads the same object. */
export const S_YAML_SCHEMA: Readonly<Record<string, unknown>> = schema;
import { DiagnosticCode } from './codes';
import { ParsedFile, YamlPath } from './parse';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true });
    // Editor-only annotations (VS Code / Red Hat YAML read them for completion); they constrain nothing.
    ajv.addVocabulary(['enumDescriptions', 'markdownDescription']);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/**
 * Checks the file as written (before `${...}` resolution, which the schema tolerates) against
 * schemas/s.schema.json and reports each problem at the key or value it is about.
 */
export function validateSchema(parsed: ParsedFile): void {
  const data = parsed.toPlain();
  const validate = validator();
  if (validate(data)) return;
  // ajv may report one problem through several paths; loadProject's unique() keeps one of each.
  for (const error of relevant(validate.errors ?? [])) {
    const at = instancePath(error.instancePath);
    const { code, message, hint, onKey, replacement } = describe(error, at);
    const target = error.keyword === 'additionalProperties' ? [...at, (error.params as { additionalProperty: string }).additionalProperty] : at;
    parsed.report(code, parsed.locate(target, onKey ? 'key' : 'value'), message, hint, replacement ? { replacement } : undefined);
  }
}

/**
 * `anyOf: [real type, ${...} expression]` makes ajv report every branch; the expression branch and the
 * anyOf/if summaries only repeat what the specific error says.
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => !['anyOf', 'if', 'oneOf'].includes(e.keyword) && !e.schemaPath.includes('/definitions/expr'));
}

function describe(error: ErrorObject, at: YamlPath): { code: DiagnosticCode; message: string; hint?: string; onKey?: boolean; replacement?: string } {
  const last = at[at.length - 1];
  const name = last === undefined ? 'the file' : typeof last === 'number' ? `${String(at[at.length - 2])}[${last}]` : last;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const unknown = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const guess = closest(unknown, known);
      return {
        code: 'unknown-key',
        message: guess ? `unknown key "${unknown}"; did you mean "${guess}"?` : `unknown key "${unknown}" under ${name}`,
        hint: guess ? `rename it to ${guess}` : `known keys: ${known.join(', ')}`,
        onKey: true,
        replacement: guess,
      };
    }
    case 'required':
      return { code: 'missing-key', message: `${name} needs the key: ${String(params.missingProperty)}`, onKey: true };
    case 'type':
      return { code: 'invalid-type', message: `${name} must be ${String(params.type).replace(',', ' or ')}`, hint: 'a ${...} variable is accepted too' };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof error.data === 'string' ? closest(error.data, allowed) : undefined;
      return {
        code: 'invalid-value',
        message: `not an allowed value for ${name}: ${shown(error.data)}`,
        hint: `${guess ? `did you mean "${guess}"? ` : ''}allowed: ${allowed.join(', ')}`,
        replacement: guess,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
      return { code: 'out-of-range', message: `${name} ${error.message ?? 'is out of range'}: ${shown(error.data)}` };
    default:
      return { code: 'invalid-value', message: `${name} ${error.message ?? 'is not valid'}` };
  }
}

function instancePath(pointer: string): YamlPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** A value for a message. A YAML map may have keys such as `toString: ~` that make String() throw. */
function shown(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? 'a list' : 'a map';
  }
}

/** The known word a typo most likely meant: same letters in another case, or at most a third of them wrong. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : distance(lower, c.toLowerCase());
    if (d <= Math.max(1, Math.floor(word.length / 3)) && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
