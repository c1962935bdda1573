import * as path from 'node:path';
import { isMap, isScalar } from 'yaml';
import { Edition, FunctionKind, FunctionSpec, HookSpec, HttpTriggerSpec, isCustomRuntime, SourceRange } from './model';
import { ParsedFile, scalarKey, YamlPath } from './parse';
import { Collection, Resolver } from './resolve';
import { DEFAULT_BOOTSTRAP, DEFAULT_FC_PORT, SCF_PORT } from './platform';

/** Where a function's key settings were written, so semantic checks can point at the right characters. */
export interface FieldRanges {
  name: SourceRange;
  code: SourceRange;
  command: SourceRange;
  image: SourceRange;
  port: SourceRange;
  initializer: SourceRange;
  trigger: SourceRange;
}

export interface NormalisedFunction {
  spec: FunctionSpec;
  at: FieldRanges;
}

// Platform defaults when a key is absent (FC API reference: timeout 3 s, memory 512 MB, concurrency 1;
// SCF: 128 MB, 3 s). Port, bootstrap and region defaults are in platform.ts.
const FC_DEFAULTS = { timeout: 3, memorySize: 512, instanceConcurrency: 1, hookTimeout: 3 };
const SCF_DEFAULTS = { timeout: 3, memorySize: 128 };
/** SCF web functions receive every method (the API gateway decides); the function itself cannot restrict them. */
const ALL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'];

const FC2_COMPONENTS = /^(devsapp\/)?fc(-deploy)?(@\S*)?$/;
const FC3_COMPONENTS = /^(devsapp\/)?fc3(@\S*)?$/;

export function detectEdition(parsed: ParsedFile): Edition | undefined {
  if (!isMap(parsed.doc.contents)) return undefined;
  const text = (at: string) => {
    const n = parsed.node([at]);
    return isScalar(n) ? String(n.value).trim() : undefined;
  };
  if (text('component') === 'scf') return 'scf';
  if (text('edition') === '1.0.0' && parsed.node(['services'])) return '1.0.0';
  // A file without (or with a wrong) `edition` is still read by what it contains.
  if (parsed.node(['resources'])) return '3.0.0';
  if (parsed.node(['services'])) return '1.0.0';
  return undefined;
}

export function collectionOf(edition: Edition | undefined): Collection | undefined {
  return edition === '1.0.0' ? 'services' : edition === '3.0.0' ? 'resources' : undefined;
}

/** One FunctionSpec per function the file declares; components that are not functions are skipped. */
export function normalise(parsed: ParsedFile, edition: Edition | undefined, resolver: Resolver): NormalisedFunction[] {
  if (edition === 'scf') return [scfFunction(parsed, resolver)];
  const collection = collectionOf(edition);
  if (!collection) return [];
  const entries = parsed.node([collection]);
  if (!isMap(entries)) return [];
  const out: NormalisedFunction[] = [];
  for (const item of entries.items) {
    const key = scalarKey(item.key);
    if (key === undefined) continue;
    const component = String(resolver.value([collection, key, 'component'], key) ?? '').trim();
    // A path (or a ${path(...)} that resolved to one) is a local checkout of the component, as its own examples use.
    const local = /^(\.|\/|[A-Za-z]:[\\/])/.test(component);
    const known = (edition === '1.0.0' ? FC2_COMPONENTS : FC3_COMPONENTS).test(component);
    // Other components (domains, databases, flows) are not functions; their props are not even resolved.
    if (!known && !local) continue;
    const props = new Props(parsed, resolver, collection, key);
    const fn =
      edition === '1.0.0'
        ? isObject(props.get(['function'])) && fc2Function(props)
        : (known || props.get(['functionName']) !== undefined) && fc3Function(props);
    if (fn) out.push(fn);
  }
  return out;
}

/**
 * A component's props as resolved values, with `extend: {name, ignore}` applied: the named `template` is merged
 * under the props (props win), and lookups of a key the template supplied point at the template's text.
 */
class Props {
  readonly base: YamlPath;
  private readonly template?: YamlPath;
  readonly value: Record<string, unknown>;

  constructor(
    readonly parsed: ParsedFile,
    readonly resolver: Resolver,
    collection: Collection,
    readonly key: string,
  ) {
    this.base = [collection, key, 'props'];
    const own = asObject(resolver.value(this.base, key));
    const name = resolver.value([collection, key, 'extend', 'name'], key);
    if (typeof name === 'string' && parsed.node(['template', name])) {
      this.template = ['template', name];
      const ignore = resolver.value([collection, key, 'extend', 'ignore'], key);
      const ignored = new Set(Array.isArray(ignore) ? ignore.map(String) : typeof ignore === 'string' ? [ignore] : []);
      const inherited = Object.fromEntries(Object.entries(asObject(resolver.value(this.template, key))).filter(([k]) => !ignored.has(k)));
      this.value = deepMerge(inherited, own);
    } else {
      this.value = own;
    }
  }

  get(rel: YamlPath): unknown {
    let v: unknown = this.value;
    for (const step of rel) v = isObject(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[step] : undefined;
    return v;
  }

  at(rel: YamlPath, part: 'key' | 'value' = 'value'): SourceRange {
    if (!this.parsed.node([...this.base, ...rel]) && this.template && this.parsed.node([...this.template, ...rel])) {
      return this.parsed.locate([...this.template, ...rel], part);
    }
    return this.parsed.locate([...this.base, ...rel], part);
  }

  /** The first of `rels` that is present, for settings with several spellings or places. */
  firstAt(...rels: YamlPath[]): SourceRange {
    return this.at(rels.find((r) => this.get(r) !== undefined) ?? rels[0]);
  }

  codeDir(rel: YamlPath): string | undefined {
    const code = this.get(rel);
    const src = typeof code === 'string' ? code : isObject(code) && typeof code.src === 'string' ? code.src : undefined;
    return src && !src.includes('${') ? path.resolve(path.dirname(this.parsed.file), src) : undefined;
  }
}

function fc2Function(p: Props): NormalisedFunction {
  const f = (k: string): YamlPath => ['function', k];
  const runtime = str(p.get(f('runtime'))) ?? '';
  const container = runtime === 'custom-container';
  const serviceValue = p.get(['service']);
  const service = str(isObject(serviceValue) ? serviceValue.name : serviceValue);
  const name = str(p.get(f('name'))) ?? p.key;
  const commandPath = container ? ['function', 'customContainerConfig', 'command'] : ['function', 'customRuntimeConfig', 'command'];
  const trigger = httpTrigger(p, 'name', 'type', 'config');
  const spec: FunctionSpec = {
    ...common(p, '1.0.0', name, runtime, trigger?.spec),
    service,
    codeDir: p.codeDir(f('codeUri')),
    image: str(p.get(['function', 'customContainerConfig', 'image'])),
    port: int(p.get(f('caPort'))) ?? DEFAULT_FC_PORT,
    timeout: int(p.get(f('timeout'))) ?? FC_DEFAULTS.timeout,
    memorySize: int(p.get(f('memorySize'))) ?? FC_DEFAULTS.memorySize,
    instanceConcurrency: int(p.get(f('instanceConcurrency'))) ?? FC_DEFAULTS.instanceConcurrency,
    environment: environment(p.get(f('environmentVariables'))),
    handler: str(p.get(f('handler'))),
    initializer: hook(p.get(f('initializer')), p.get(f('initializationTimeout'))),
    preFreeze: hookObject(p.get(['function', 'instanceLifecycleConfig', 'preFreeze'])),
    preStop: hookObject(p.get(['function', 'instanceLifecycleConfig', 'preStop'])),
    range: p.at(['function']),
  };
  if (container) {
    // FC 2.0 takes the container's entrypoint and CMD as JSON-array strings (`command: '["node"]'`).
    spec.command = jsonArray(p, ['function', 'customContainerConfig', 'command']);
    spec.args = jsonArray(p, ['function', 'customContainerConfig', 'args']);
  } else {
    setStartCommand(spec, p.get(['function', 'customRuntimeConfig', 'command']), p.get(['function', 'customRuntimeConfig', 'args']));
  }
  return {
    spec: prune(spec),
    at: {
      name: p.at(f('name')),
      code: p.at(f('codeUri')),
      command: p.firstAt(commandPath, ['function', 'customRuntimeConfig'], f('runtime')),
      image: p.firstAt(['function', 'customContainerConfig', 'image'], ['function', 'customContainerConfig'], f('runtime')),
      port: p.at(f('caPort')),
      initializer: p.at(f('initializationTimeout')),
      trigger: trigger?.at ?? p.at(['triggers']),
    },
  };
}

function fc3Function(p: Props): NormalisedFunction {
  const runtime = str(p.get(['runtime'])) ?? '';
  const container = runtime === 'custom-container';
  const config = container ? 'customContainerConfig' : 'customRuntimeConfig';
  const lifecycle = (k: string) => p.get(['instanceLifecycleConfig', k]);
  const trigger = httpTrigger(p, 'triggerName', 'triggerType', 'triggerConfig');
  const spec: FunctionSpec = {
    ...common(p, '3.0.0', str(p.get(['functionName'])) ?? p.key, runtime, trigger?.spec),
    codeDir: p.codeDir(['code']),
    image: str(p.get(['customContainerConfig', 'image'])),
    port: int(p.get([config, 'port'])) ?? DEFAULT_FC_PORT,
    timeout: int(p.get(['timeout'])) ?? FC_DEFAULTS.timeout,
    memorySize: int(p.get(['memorySize'])) ?? FC_DEFAULTS.memorySize,
    instanceConcurrency: int(p.get(['instanceConcurrency'])) ?? FC_DEFAULTS.instanceConcurrency,
    environment: environment(p.get(['environmentVariables'])),
    handler: str(p.get(['handler'])),
    // Some 3.0.0 files still carry the 1.0.0 spelling `initializer` + `initializationTimeout`.
    initializer: hookObject(lifecycle('initializer')) ?? hook(p.get(['initializer']), p.get(['initializationTimeout'])),
    preStop: hookObject(lifecycle('preStop')),
    range: p.parsed.locate(p.base.slice(0, 2)),
  };
  if (container) {
    spec.command = strings(p.get(['customContainerConfig', 'entrypoint']));
    spec.args = strings(p.get(['customContainerConfig', 'command']));
  } else {
    setStartCommand(spec, p.get(['customRuntimeConfig', 'command']), p.get(['customRuntimeConfig', 'args']));
  }
  return {
    spec: prune(spec),
    at: {
      name: p.at(['functionName']),
      code: p.at(['code']),
      command: p.firstAt(container ? ['customContainerConfig', 'entrypoint'] : ['customRuntimeConfig', 'command'], [config], ['runtime']),
      image: p.firstAt(['customContainerConfig', 'image'], ['customContainerConfig'], ['runtime']),
      port: p.at([config, 'port']),
      initializer: p.firstAt(['instanceLifecycleConfig', 'initializer', 'timeout'], ['instanceLifecycleConfig', 'initializer'], ['initializationTimeout']),
      trigger: trigger?.at ?? p.at(['triggers']),
    },
  };
}

function scfFunction(parsed: ParsedFile, resolver: Resolver): NormalisedFunction {
  const inputs = asObject(resolver.value(['inputs']));
  const get = (...k: string[]): unknown => k.reduce<unknown>((v, s) => (isObject(v) ? v[s] : undefined), inputs);
  const web = get('type') === 'web';
  const image = str(get('image', 'imageUrl')) ?? str(get('image', 'imageUri'));
  const resourceKey = str(resolver.value(['name'])) ?? 'scf';
  const name = str(get('name')) ?? resourceKey;
  const src = get('src');
  const code = typeof src === 'string' ? src : str(get('src', 'src'));
  const spec: FunctionSpec = {
    id: `${parsed.file}#${resourceKey}/${name}`,
    platform: 'scf',
    edition: 'scf',
    projectFile: parsed.file,
    resourceKey,
    name,
    runtime: image ? (web ? 'web-image' : 'event-image') : (str(get('runtime')) ?? ''),
    kind: web ? 'http' : 'event',
    codeDir: code && !code.includes('${') ? path.resolve(path.dirname(parsed.file), code) : undefined,
    image,
    command: words(get('image', 'command')),
    args: words(get('image', 'args')),
    port: SCF_PORT,
    timeout: int(get('timeout')) ?? SCF_DEFAULTS.timeout,
    memorySize: int(get('memorySize')) ?? SCF_DEFAULTS.memorySize,
    instanceConcurrency: 1,
    environment: environment(get('environment', 'variables')),
    handler: str(get('handler')),
    httpTrigger: web ? { name: 'web', methods: ALL_METHODS, authType: 'anonymous' } : undefined,
    region: str(get('region')),
    range: parsed.locate(['inputs']),
  };
  const at = (...k: string[]) => parsed.locate(['inputs', ...k]);
  return {
    spec: prune(spec),
    at: { name: at('name'), code: at('src'), command: at('image', 'command'), image: at('image'), port: at('type'), initializer: at('initTimeout'), trigger: at('type') },
  };
}

function common(p: Props, edition: Edition, name: string, runtime: string, trigger: HttpTriggerSpec | undefined) {
  return {
    id: `${p.parsed.file}#${p.key}/${name}`,
    platform: 'fc' as const,
    edition,
    projectFile: p.parsed.file,
    resourceKey: p.key,
    name,
    runtime,
    kind: (trigger ? 'http' : 'event') as FunctionKind,
    httpTrigger: trigger,
    region: str(p.get(['region'])),
  };
}

/** The first HTTP trigger decides the function's kind; its range is the trigger's `methods` (or the trigger). */
function httpTrigger(p: Props, nameKey: string, typeKey: string, configKey: string): { spec: HttpTriggerSpec; at: SourceRange } | undefined {
  const triggers = p.get(['triggers']);
  if (!Array.isArray(triggers)) return undefined;
  const index = triggers.findIndex((t) => isObject(t) && t[typeKey] === 'http');
  if (index < 0) return undefined;
  const t = triggers[index] as Record<string, unknown>;
  const config = asObject(t[configKey]);
  const methods = [...new Set((strings(config.methods) ?? []).map((m) => m.toUpperCase()))];
  return {
    spec: { name: str(t[nameKey]) ?? 'http', methods, authType: str(config.authType) ?? 'anonymous' },
    at: p.firstAt(['triggers', index, configKey, 'methods'], ['triggers', index, configKey], ['triggers', index]),
  };
}

/** Custom runtimes start `/code/bootstrap` unless a command is configured (seeds/002). */
function setStartCommand(spec: FunctionSpec, command: unknown, args: unknown): void {
  const configured = strings(command);
  if (configured?.length) spec.command = configured;
  else if (isCustomRuntime(spec)) spec.command = [DEFAULT_BOOTSTRAP];
  spec.args = strings(args);
}

function jsonArray(p: Props, rel: YamlPath): string[] | undefined {
  const raw = p.get(rel);
  if (Array.isArray(raw)) return strings(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || raw.includes('${')) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed) && parsed.every((s) => typeof s === 'string')) return parsed;
  } catch {
    // reported below
  }
  p.parsed.report(
    'container-command-json',
    p.at(rel),
    `expected a JSON array of strings: ${raw}`,
    `write it as a quoted JSON array, e.g. '${JSON.stringify(raw.trim().split(/\s+/))}'`,
  );
  return undefined;
}

function hook(handler: unknown, timeout: unknown): HookSpec | undefined {
  const h = str(handler);
  return h ? { handler: h, timeout: int(timeout) ?? FC_DEFAULTS.hookTimeout } : undefined;
}

function hookObject(value: unknown): HookSpec | undefined {
  if (!isObject(value)) return undefined;
  return { handler: str(value.handler) ?? '', timeout: int(value.timeout) ?? FC_DEFAULTS.hookTimeout };
}

function environment(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(value))) {
    out[k] = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** SCF writes the image command and args as one string each (`args: "app.js --port 9000"`). */
function words(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.trim() ? (value.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, '$2')) : undefined;
  return strings(value);
}

function strings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Numbers written as numbers or numeric strings; anything else (an unresolved `${...}`) falls back to the default. */
function int(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

function deepMerge(under: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...under };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** Drops keys whose value is undefined so specs compare and print cleanly. */
function prune(spec: FunctionSpec): FunctionSpec {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as unknown as FunctionSpec;
}
