import type { FunctionCommand } from './command';

export const debug: FunctionCommand = {
  id: 'fcbox.function.debug',
  applies: (fn, s) => !s.instances.get(fn.id)?.debugSession,
  run: (s, fn) => s.instances.debug(fn),
};
