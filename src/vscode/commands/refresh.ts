import type { PlainCommand } from './command';

export const refresh: PlainCommand = {
  id: 'fcbox.project.refresh',
  plain: true,
  run: (s) => s.projects.rescan(true),
};
