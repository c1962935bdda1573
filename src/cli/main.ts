#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { CliCommand, CliIO, UsageError } from './command';
import { isFcboxError } from '../spec/errors';
import { validateCommand } from './validate';
import { listCommand } from './list';
import { startCommand } from './start';
import { invokeCommand } from './invoke';

// Every subcommand, in the order --help lists them; add a new one here.
const commands: CliCommand[] = [
  validateCommand,
  listCommand,
  startCommand,
  invokeCommand,
];

function formatHelp(cmd: CliCommand): string {
  const lines = [`${cmd.usage}`, '', cmd.summary, '', 'Options:'];
  // `help` is "FLAGS  description"; align the descriptions in one column.
  const rows = [...Object.values(cmd.options).map((o) => o.help), '--help  show this help'].map((h) => {
    const cut = h.indexOf('  ');
    return cut < 0 ? [h, ''] : [h.slice(0, cut), h.slice(cut).trim()];
  });
  const width = Math.max(...rows.map(([flags]) => flags.length)) + 2;
  for (const [flags, text] of rows) lines.push(`  ${flags.padEnd(width)}${text}`.trimEnd());
  return lines.join('\n') + '\n';
}

function mainHelp(): string {
  const lines = ['Usage: fcbox <command> [options]', '', 'Run, debug and invoke Function Compute / SCF functions locally.', '', 'Commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(10)}${c.summary}`);
  lines.push('', 'Run `fcbox <command> --help` for the options of a command.');
  return lines.join('\n') + '\n';
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  try {
    if (!cmd) throw new UsageError(`unknown command "${name}"; run \`fcbox --help\` for the list`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(formatHelp(cmd));
      return 0;
    }
    const options = Object.fromEntries(
      // parseArgs rejects keys that are present but undefined.
      Object.entries(cmd.options).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]),
    );
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message.split('\n')[0]}; run \`fcbox ${cmd.name} --help\``);
    }
    return await cmd.run(parsed as never, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`fcbox: ${e.message}\n`);
      return 2;
    }
    if (isFcboxError(e)) {
      io.stderr.write(`fcbox: ${e.code}: ${e.message}${e.hint ? `\n  fix: ${e.hint}` : ''}${e.details ? `\n${e.details}` : ''}\n`);
      return 3;
    }
    io.stderr.write(`fcbox: internal error: ${(e as Error).message}\n`);
    return 70;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
