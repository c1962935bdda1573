/**
 * The `fcbox` debug configuration: the TypeScript types the adapter reads and the JSON schema VS Code shows, in
 * one place. The schema objects are typed against the interfaces (`AttributesOf<T>`), so adding, removing or
 * retyping a field without updating the other side fails `tsc`; `npm run gen:debug` writes them into
 * package.json (`contributes.debuggers` / `contributes.breakpoints`), and a unit test fails when package.json
 * is stale. Pure data: no vscode, no I/O.
 */
import type { BackendKind } from '../host';

export const DEBUG_TYPE = 'fcbox';

export type DebugLanguage = 'node' | 'python' | 'java';

/** How long a launch waits for the function's debugger to listen, unless `debuggerTimeout` says otherwise. */
export const DEFAULT_DEBUGGER_TIMEOUT_MS = 30_000;

/** What to send to the function once the child debugger is attached (also the `invoke` custom request's body). */
export interface InvokeArguments {
  /** Event functions: the event, sent as the `/invoke` body (objects are sent as JSON). */
  event?: string | Record<string, unknown> | unknown[];
  /** Event functions: a file whose bytes are the event, relative to the s.yaml directory. */
  eventFile?: string;
  /** HTTP functions: the request method. */
  method?: string;
  /** HTTP functions: path and query as the server should see them. */
  path?: string;
  /** HTTP functions: request headers. */
  headers?: Record<string, string>;
  /** HTTP functions: the request body. */
  body?: string;
}

interface CommonArguments {
  /** Path of the s.yaml (or SCF serverless.yml) declaring the function. */
  project?: string;
  /** The function's name, `service/name`, its resource key, or its id (what spec's findFunction accepts). */
  function?: string;
  /** Which debugger the function's runtime carries; `auto` reads it from the start command. */
  language?: 'auto' | DebugLanguage;
  /** The debugger's port on 127.0.0.1. */
  debugPort?: number;
  /** The function's code on this machine. */
  localRoot?: string;
  /** Where the debuggee sees that code. */
  remoteRoot?: string;
  /** Log the DAP traffic of the fcbox adapter to its stderr. */
  trace?: boolean;
}

export interface LaunchArguments extends CommonArguments {
  project: string;
  backend?: BackendKind;
  /** Image per custom runtime for the docker backend (as the `fcbox.runtimeImages` setting). */
  runtimeImages?: Record<string, string>;
  stopOnEntry?: boolean;
  env?: Record<string, string>;
  invoke?: InvokeArguments;
  preStopOnExit?: boolean;
  /** Milliseconds to wait for the function's debugger to listen. */
  debuggerTimeout?: number;
  /** Milliseconds the function's server has to start listening; the platform's deadline when absent. */
  startupTimeout?: number;
  /** Where the credentials in the platform's headers come from (as the `fcbox.credentials.source` setting). */
  credentials?: CredentialsSource;
}

/** `none`: placeholders; `environment`: the ALIBABA_CLOUD_* variables of the process that runs the adapter. */
export type CredentialsSource = 'none' | 'environment';

export interface AttachArguments extends CommonArguments {
  language: DebugLanguage;
  debugPort: number;
}

/** The `fcbox.attach` event the adapter sends when the debuggee's debugger is listening. */
export const ATTACH_EVENT = 'fcbox.attach';
export interface AttachEventBody {
  language: DebugLanguage;
  /** A complete configuration for the language's own debugger (`node`, `debugpy`, `java`). */
  configuration: { type: string; request: 'attach'; name: string; [key: string]: unknown };
}

/** Custom requests the adapter serves. `attached` is how the editor reports the child session started (or failed). */
export const CUSTOM_REQUESTS = ['attached', 'invoke', 'initialize', 'preFreeze', 'preStop'] as const;
export type CustomRequest = (typeof CUSTOM_REQUESTS)[number];
export interface AttachedArguments {
  /** Set when the child session could not be started; the adapter then ends the session with this reason. */
  error?: string;
  /** Set when the editor gave up waiting for the child's breakpoints (see src/vscode/debug/childSession.ts). */
  note?: string;
}

// ---- schema typing -------------------------------------------------------------------------------------------

interface Described {
  description?: string;
  markdownDescription?: string;
}
type Schema<V> = Described &
  ([V] extends [string]
    ? { type: 'string'; enum?: V[]; enumDescriptions?: string[]; default?: V }
    : [V] extends [number]
      ? { type: 'number' | 'integer'; minimum?: number; maximum?: number; default?: V }
      : [V] extends [boolean]
        ? { type: 'boolean'; default?: V }
        : [V] extends [unknown[]]
          ? { type: 'array' }
          : { type: 'object'; properties?: Record<string, unknown>; additionalProperties?: unknown; default?: unknown });
/** A union such as `string | object` is written as `{ anyOf: [...] }` or `{ type: [...] }`. */
type UnionSchema = Described & { type?: string[]; anyOf?: unknown[]; properties?: Record<string, unknown>; additionalProperties?: unknown };

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type IsUnion<V, U = V> = V extends unknown ? ([U] extends [V] ? false : true) : never;
/** String-literal unions are enums and `true | false` is boolean; any other union (`string | object`) is a UnionSchema. */
type PropertySchema<V> = [V] extends [string] ? Schema<V> : [V] extends [boolean] ? Schema<boolean> : true extends IsUnion<V> ? UnionSchema : Schema<V>;

export interface AttributesOf<T> {
  required: RequiredKeys<T>[];
  properties: { [K in keyof T]-?: PropertySchema<NonNullable<T[K]>> };
}

// ---- the schema --------------------------------------------------------------------------------------------

const invokeSchema: Schema<InvokeArguments> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    event: {
      type: ['string', 'object', 'array'],
      description: 'Event functions: the event sent as the /invoke body (objects are sent as JSON).',
    },
    eventFile: { type: 'string', description: 'Event functions: a file whose content is the event, relative to the s.yaml directory.' },
    method: { type: 'string', default: 'GET', description: 'HTTP functions: the request method.' },
    path: { type: 'string', default: '/', description: 'HTTP functions: path and query as the server should see them.' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'HTTP functions: request headers.' },
    body: { type: 'string', description: 'HTTP functions: the request body.' },
  } satisfies AttributesOf<InvokeArguments>['properties'],
};

const commonProperties: AttributesOf<CommonArguments>['properties'] = {
  project: {
    type: 'string',
    default: '${workspaceFolder}/s.yaml',
    description: 'Path of the s.yaml (or SCF serverless.yml) declaring the function.',
  },
  function: {
    type: 'string',
    description: 'The function to debug: its name, `service/name` (FC 2.x, SCF), its resource key, or its id when names repeat. Optional when the project has one function.',
  },
  language: {
    type: 'string',
    enum: ['auto', 'node', 'python', 'java'],
    enumDescriptions: [
      'Read it from the start command (node, python/gunicorn, java) or the runtime.',
      'Node.js: the inspector, switched on with NODE_OPTIONS=--inspect.',
      'Python: debugpy, which must be importable by the interpreter that starts the server.',
      'Java: JDWP, switched on with JAVA_TOOL_OPTIONS=-agentlib:jdwp.',
    ],
    default: 'auto',
    description: "Which debugger the function's runtime carries.",
  },
  debugPort: {
    type: 'integer',
    minimum: 1,
    maximum: 65535,
    description: "The debugger's port on 127.0.0.1. Launch: a free port when omitted. Attach: required.",
  },
  localRoot: {
    type: 'string',
    description: "The function's code on this machine. Default: the function's code directory.",
  },
  remoteRoot: {
    type: 'string',
    description: "Where the debuggee sees that code. Default: the code directory (process), /code (custom runtime in Docker), the image's WorkingDir (custom container).",
  },
  trace: { type: 'boolean', default: false, description: "Log the fcbox adapter's protocol traffic." },
};

export const launchAttributes: AttributesOf<LaunchArguments> = {
  required: ['project'],
  properties: {
    ...commonProperties,
    backend: {
      type: 'string',
      enum: ['auto', 'process', 'docker'],
      enumDescriptions: ['Custom runtime code as a process, images in Docker.', 'A local process (custom runtime only).', 'A Docker container.'],
      default: 'auto',
      description: 'Where the instance runs.',
    },
    runtimeImages: {
      type: 'object',
      additionalProperties: { type: 'string' },
      markdownDescription: 'Image per custom runtime for the docker backend, e.g. `{ "custom.debian10": "my/runtime:tag" }`. Default: the `fcbox.runtimeImages` setting.',
    },
    stopOnEntry: {
      type: 'boolean',
      default: false,
      description: 'Hold the server until the debugger is attached (Node also pauses on its first line), so start-up code can be debugged.',
    },
    env: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description: "Extra environment variables for the instance, over the function's own.",
    },
    invoke: { ...invokeSchema, description: 'A request to send once the debugger is attached.' },
    preStopOnExit: {
      type: 'boolean',
      default: true,
      description: "Call the function's PreStop hook (GET /pre-stop) before stopping the instance when the session ends.",
    },
    debuggerTimeout: {
      type: 'integer',
      minimum: 1000,
      default: DEFAULT_DEBUGGER_TIMEOUT_MS,
      description: "Milliseconds to wait for the function's debugger to listen.",
    },
    startupTimeout: {
      type: 'integer',
      minimum: 1,
      markdownDescription: "Milliseconds the function's server has to start listening. Default: the `fcbox.startupTimeout` setting, else the platform's deadline (FC 120 s, SCF 30 s).",
    },
    credentials: {
      type: 'string',
      enum: ['none', 'environment'],
      enumDescriptions: [
        'Send placeholder values in the x-fc-access-key-* / X-Scf-Secret-* headers.',
        'Read ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN and ALIBABA_CLOUD_ACCOUNT_ID from the environment VS Code was started in.',
      ],
      markdownDescription: "Credentials passed to the function in the platform's headers. Default: the `fcbox.credentials.source` setting.",
    },
  },
};

export const attachAttributes: AttributesOf<AttachArguments> = {
  required: ['language', 'debugPort'],
  properties: {
    ...commonProperties,
    language: { ...commonProperties.language, type: 'string', enum: ['node', 'python', 'java'], enumDescriptions: undefined, default: 'node' },
  },
};

/** launch.json's first configuration when the workspace declares no function yet. */
export const GENERIC_LAUNCH = {
  type: DEBUG_TYPE,
  request: 'launch',
  name: 'Debug function',
  project: '${workspaceFolder}/s.yaml',
  function: '',
  backend: 'auto',
  language: 'auto',
} as const;

/** The `contributes.debuggers` entry of package.json. */
export const debuggerContribution = {
  type: DEBUG_TYPE,
  label: 'FC Box: Function Compute',
  program: './dist/debugAdapter.js',
  runtime: 'node',
  languages: ['javascript', 'typescript', 'python', 'java', 'yaml'],
  configurationAttributes: { launch: launchAttributes, attach: attachAttributes },
  // The same GENERIC_LAUNCH the Initial configuration provider (src/vscode/debug) falls back to; the provider
  // replaces it with one configuration per function when the workspace declares some.
  initialConfigurations: [GENERIC_LAUNCH],
  configurationSnippets: [
    {
      label: 'FC Box: Debug a function',
      description: 'Start a function with its debugger on and attach to it.',
      body: {
        type: DEBUG_TYPE,
        request: 'launch',
        name: 'Debug ${1:function}',
        project: '^"\\${workspaceFolder}/${2:s.yaml}"',
        function: '${1:function}',
        backend: '${3|auto,process,docker|}',
      },
    },
    {
      label: 'FC Box: Debug a function and invoke it',
      description: 'Start a function with its debugger on, attach, then send an event.',
      body: {
        type: DEBUG_TYPE,
        request: 'launch',
        name: 'Debug and invoke ${1:function}',
        project: '^"\\${workspaceFolder}/${2:s.yaml}"',
        function: '${1:function}',
        invoke: { eventFile: '${3:event.json}' },
      },
    },
    {
      label: 'FC Box: Attach to a running function',
      description: "Attach to the debugger of a function fcbox already runs.",
      body: {
        type: DEBUG_TYPE,
        request: 'attach',
        name: 'Attach to ${1:function}',
        language: '${2|node,python,java|}',
        debugPort: 9229,
      },
    },
  ],
};

/** The `contributes.breakpoints` entry: lets users set breakpoints in these languages before any session exists. */
export const breakpointsContribution = [{ language: 'javascript' }, { language: 'typescript' }, { language: 'python' }, { language: 'java' }];
