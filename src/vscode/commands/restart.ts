import { isRunning, type FunctionCommand } from './command';

export const restart: FunctionCommand = {
  id: 'fcbox.function.restart',
  applies: isRunning,
  run: async (s, fn) => {
    const debugging = !!s.instances.get(fn.id)?.debugSession;
    await s.instances.stop(fn);
    if (debugging) await s.instances.debug(fn);
    else await s.instances.run(fn);
  },
};
