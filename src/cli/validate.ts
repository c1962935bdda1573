import { CliCommand } from './command';
import { displayPath, projectsFromArgs } from './projects';

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'Check s.yaml / serverless.yml files: schema, variables, code directory and bootstrap.',
  usage: 'fcbox validate [FILE|DIR] [--json]',
  options: { json: { type: 'boolean', help: '--json  print every diagnostic (with hints and info) as JSON' } },
  async run(args, io) {
    const projects = projectsFromArgs(args, io.cwd, io.env);
    const diagnostics = projects.flatMap((p) => p.diagnostics);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (args.values.json) {
      io.stdout.write(JSON.stringify({ files: projects.map((p) => p.file), diagnostics }, null, 2) + '\n');
      return errors ? 1 : 0;
    }
    // One line per problem in the `file:line:col: severity: message [code]` form editors and CI parse; info stays in --json.
    for (const d of diagnostics.filter((x) => x.severity !== 'info')) {
      io.stdout.write(`${displayPath(d.file, io.cwd)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]\n`);
      if (d.hint) io.stdout.write(`    fix: ${d.hint}\n`);
    }
    const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
    const functions = projects.reduce((n, p) => n + p.functions.length, 0);
    io.stdout.write(`${projects.length} file(s), ${functions} function(s): ${errors} error(s), ${warnings} warning(s)\n`);
    return errors ? 1 : 0;
  },
};
