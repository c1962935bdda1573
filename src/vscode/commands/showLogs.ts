import type { FunctionCommand } from './command';

export const showLogs: FunctionCommand = {
  id: 'fcbox.function.showLogs',
  applies: (fn, s) => s.instances.hasLogs(fn),
  run: (s, fn) => s.instances.showLogs(fn),
};
