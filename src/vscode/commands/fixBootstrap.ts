import * as fs from 'fs/promises';
import * as vscode from 'vscode';
import type { PlainCommand } from './command';

export type BootstrapFix = 'chmod' | 'shebang' | 'crlf';

/**
 * The quick fixes for a start file FC would refuse (seed 001 §7.2): not executable, no `#!` line, CRLF line
 * endings. Written with fs (the file is usually not open, and chmod has no WorkspaceEdit), then the project is
 * checked again so the diagnostic goes away.
 */
export const fixBootstrap: PlainCommand = {
  id: 'fcbox.bootstrap.fix',
  plain: true,
  run: async (s, file: unknown, fix: unknown, projectFile: unknown) => {
    const path = String(file);
    switch (fix as BootstrapFix) {
      case 'chmod': {
        const { mode } = await fs.stat(path);
        await fs.chmod(path, mode | 0o111);
        break;
      }
      case 'shebang':
        await fs.writeFile(path, `#!/bin/bash\n${await fs.readFile(path, 'utf8')}`);
        break;
      case 'crlf':
        await fs.writeFile(path, (await fs.readFile(path, 'utf8')).replace(/\r\n/g, '\n'));
        break;
    }
    await s.projects.recheck(vscode.Uri.file(String(projectFile)));
  },
};
