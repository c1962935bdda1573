import { configurationError, findFunction, FunctionSpec, Project } from '../spec';
import { BackendKind, formatLogLine, Gateway, HostOptions, Instance } from '../host';
import { CliCommand, CliIO, OptionSpec, ParsedArgs, UsageError } from './command';
import { projectsFromArgs } from './projects';

/** Flags `start` and `invoke` share: how instances run. */
export const hostFlags: Record<string, OptionSpec> = {
  backend: { type: 'string', help: '--backend auto|process|docker  where servers run (auto: docker for images, process for custom runtimes)' },
  'startup-timeout': { type: 'string', help: '--startup-timeout S  seconds a server has to listen (default 120 FC, 30 SCF)' },
  'runtime-image': { type: 'string', multiple: true, help: '--runtime-image RUNTIME=IMAGE  image for a custom runtime in docker mode, e.g. custom.debian10=my/img' },
};

export function hostOptionsFromArgs(args: ParsedArgs): HostOptions {
  const backend = (args.values.backend as string | undefined) ?? 'auto';
  if (!['auto', 'process', 'docker'].includes(backend)) throw new UsageError(`--backend must be auto, process or docker, not: ${backend}`);
  const options: HostOptions = { backend: backend as BackendKind };
  const timeout = args.values['startup-timeout'] as string | undefined;
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!(seconds > 0)) throw new UsageError(`--startup-timeout must be a number of seconds, not: ${timeout}`);
    options.startupTimeoutMs = seconds * 1000;
  }
  for (const pair of (args.values['runtime-image'] as string[] | undefined) ?? []) {
    const [runtime, image] = pair.split('=');
    if (!runtime || !image) throw new UsageError(`--runtime-image takes RUNTIME=IMAGE, not: ${pair}`);
    options.runtimeImages = { ...options.runtimeImages, [runtime]: image };
  }
  return options;
}

/**
 * The functions the user named (all when none named); `--function` accepts the function name, `service/function`,
 * the resource key or the id (spec/findFunction). A function whose own part of s.yaml cannot run is an
 * error when named, and is skipped with a warning when starting everything, so one broken function does not
 * keep the others from running.
 */
export function selectFunctions(projects: Project[], queries: string[], io: CliIO): FunctionSpec[] {
  const problemOf = (fn: FunctionSpec) => configurationError(projects.find((p) => p.file === fn.projectFile), fn);
  if (queries.length === 0) {
    return projects
      .flatMap((p) => p.functions)
      .filter((fn) => {
        const problem = problemOf(fn);
        if (problem) io.stderr.write(`fcbox: skipping ${problem.message} [${problem.code}]\n`);
        return !problem;
      });
  }
  return queries.map((q) => {
    const fn = findFunction(projects, q);
    if (!fn) throw new UsageError(`no function matches --function ${q}; run \`fcbox list\` to see them`);
    const problem = problemOf(fn);
    if (problem) throw problem;
    return fn;
  });
}

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'Start the local gateway (FC InvokeFunction and HTTP trigger APIs) for the functions of a project.',
  usage: 'fcbox start [FILE|DIR] [--function NAME]... [--backend auto|process|docker] [--port N] [--startup-timeout S]',
  options: {
    function: { type: 'string', multiple: true, help: '--function NAME  only this function (name, service/name or resource key); repeatable' },
    port: { type: 'string', help: '--port N  gateway port on 127.0.0.1 (default 9100; 0 picks a free one)' },
    ...hostFlags,
  },
  async run(args, io) {
    const options = hostOptionsFromArgs(args);
    const port = Number((args.values.port as string | undefined) ?? 9100);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not: ${args.values.port}`);
    const projects = projectsFromArgs(args, io.cwd, io.env);
    const functions = selectFunctions(projects, (args.values.function as string[] | undefined) ?? [], io);
    if (functions.length === 0) {
      const declared = projects.reduce((n, p) => n + p.functions.length, 0);
      if (declared > 0) throw new UsageError(`${declared === 1 ? 'the only function has' : `all ${declared} functions have`} errors; run \`fcbox validate\` to see them`);
      throw new UsageError('the project declares no functions');
    }
    const instances = functions.map((fn) => {
      const instance = new Instance(fn, options);
      instance.on('log', (line) => io.stderr.write(`${formatLogLine(line, fn.name)}\n`));
      return instance;
    });
    const gateway = new Gateway(instances, { port });
    const url = await gateway.listen();
    io.stdout.write(`fcbox: gateway listening on ${url}\n`);
    const byId = gateway.functionUrls();
    for (const fn of functions) io.stdout.write(`  ${describe(fn, url, byId.get(fn.id))}\n`);
    await untilSignal(io);
    io.stderr.write('fcbox: stopping (pre-stop, then stop)\n');
    await gateway.close();
    await Promise.all(instances.map((i) => i.stop()));
    return 0;
  },
};

function describe(fn: FunctionSpec, url: string, ownUrl: string | undefined): string {
  if (fn.kind === 'http') {
    // 3.0.0 functions have no service; the gateway accepts any service name for them.
    return `${fn.name}: ${url}/2016-08-15/proxy/${fn.service ?? 'default'}/${fn.name}/${ownUrl ? `  and ${ownUrl}/` : ''}`;
  }
  return `${fn.name}: POST ${url}/2023-03-30/functions/${fn.name}/invocations`;
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once. */
function untilSignal(io: CliIO): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.once(signal, () => {
        io.stderr.write('fcbox: interrupted again, exiting without cleanup\n');
        process.exit(130);
      });
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
