import { promises as fs } from 'node:fs';
import { formatLogLine, Instance } from '../host';
import { CliCommand, CliIO, ParsedArgs, UsageError } from './command';
import { projectsFromArgs } from './projects';
import { hostFlags, hostOptionsFromArgs, selectFunctions } from './start';

export const invokeCommand: CliCommand = {
  name: 'invoke',
  summary: 'Invoke one function once, cold: start, initialize, invoke, pre-stop, stop. Body on stdout, logs on stderr.',
  usage: 'fcbox invoke [FILE|DIR] --function NAME [--event JSON | --event-file F | -] [--backend auto|process|docker]',
  options: {
    function: { type: 'string', help: '--function NAME  the function (name, service/name or resource key)' },
    event: { type: 'string', help: '--event JSON  the event (HTTP functions: the request body)' },
    'event-file': { type: 'string', help: '--event-file F  read the event from a file; `-` as an argument reads stdin' },
    ...hostFlags,
  },
  async run(args, io) {
    const fromStdin = args.positionals.includes('-');
    const rest: ParsedArgs = { ...args, positionals: args.positionals.filter((p) => p !== '-') };
    const name = args.values.function as string | undefined;
    if (!name) throw new UsageError('--function NAME is required');
    const options = hostOptionsFromArgs(rest);
    const [fn] = selectFunctions(projectsFromArgs(rest, io.cwd, io.env), [name], io);
    const body = await readEvent(args, fromStdin, io);

    const instance = new Instance(fn, options);
    // fcbox's own error lines are left out: the failure ends the command, printed once with its fix.
    instance.on('log', (line) => {
      if (!(line.stream === 'system' && line.level === 'error')) io.stderr.write(`${formatLogLine(line, fn.name)}\n`);
    });
    // HTTP functions get a plain request at `/`: GET, or POST when there is a body.
    const request = fn.kind === 'http' ? { method: body.length ? 'POST' : 'GET', path: '/', body } : { body };
    // Ctrl-C during a cold start (a slow server, an image pull) must not leave the server's process group or
    // container behind: stop the instance, then exit 130. A second signal gets Node's default (exit at once).
    let interrupted = false;
    const onSignal = (signal: NodeJS.Signals) => {
      interrupted = true;
      io.stderr.write(`fcbox: ${signal}: stopping ${fn.name}\n`);
      void instance.stop();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let result;
    try {
      result = await instance.invoke(request);
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      await instance.stop();
    }
    if (interrupted) return 130;
    if (result.error) throw result.error;
    io.stdout.write(result.body);
    if (result.functionError) {
      io.stderr.write(`fcbox: the function reported an error (status ${result.status}${result.headers['x-fc-status'] ? `, x-fc-status ${result.headers['x-fc-status']}` : ''})\n`);
      return 1;
    }
    return 0;
  },
};

async function readEvent(args: ParsedArgs, fromStdin: boolean, io: CliIO): Promise<Buffer> {
  const event = args.values.event as string | undefined;
  const file = args.values['event-file'] as string | undefined;
  if ([event !== undefined, file !== undefined, fromStdin].filter(Boolean).length > 1) throw new UsageError('give the event one way: --event, --event-file or -');
  if (event !== undefined) return Buffer.from(event);
  if (file !== undefined) {
    try {
      return await fs.readFile(file);
    } catch {
      throw new UsageError(`cannot read --event-file ${file}`);
    }
  }
  if (!fromStdin) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}
