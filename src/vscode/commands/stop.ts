import { isRunning, type FunctionCommand } from './command';

export const stop: FunctionCommand = {
  id: 'fcbox.function.stop',
  applies: isRunning,
  run: (s, fn) => s.instances.stop(fn),
};
