import { CliCommand, UsageError } from './command';
import { displayPath, projectsFromArgs } from './projects';
import { qualifiedName } from '../spec';

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'List the functions declared in s.yaml / serverless.yml files.',
  usage: 'fcbox list [FILE|DIR] [--json]',
  options: {
    json: { type: 'boolean', help: '--json  print the normalised function specs as JSON (environment: the variable names only)' },
    'show-env': { type: 'boolean', help: '--show-env  with --json, print the environment variables with their resolved values' },
  },
  async run(args, io) {
    const projects = projectsFromArgs(args, io.cwd, io.env);
    const functions = projects.flatMap((p) => p.functions);
    if (args.values['show-env'] && !args.values.json) throw new UsageError('--show-env goes with --json');
    if (args.values.json) {
      // Resolved `${env(...)}` values are often secrets, and this output ends up in issues and CI logs.
      const shown = args.values['show-env'] ? functions : functions.map((f) => ({ ...f, environment: Object.keys(f.environment) }));
      io.stdout.write(JSON.stringify(shown, null, 2) + '\n');
      return 0;
    }
    const header = ['FUNCTION', 'PLATFORM', 'RUNTIME', 'KIND', 'PORT', 'CODE DIR | IMAGE', 'FILE'];
    const rows = functions.map((f) => [
      qualifiedName(f),
      f.platform,
      f.runtime || '-',
      f.kind,
      String(f.port),
      f.codeDir ? displayPath(f.codeDir, io.cwd) : f.image ?? '-',
      displayPath(f.projectFile, io.cwd),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const row of [header, ...rows]) io.stdout.write(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ') + '\n');
    const errors = projects.reduce((n, p) => n + p.diagnostics.filter((d) => d.severity === 'error').length, 0);
    if (errors) io.stderr.write(`fcbox: ${errors} error(s) in these files; run \`fcbox validate\` to see them\n`);
    return 0;
  },
};
