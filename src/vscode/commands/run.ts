import type { FunctionCommand } from './command';

export const run: FunctionCommand = {
  id: 'fcbox.function.run',
  applies: (fn, s) => !s.instances.get(fn.id),
  run: async (s, fn) => {
    const instance = await s.instances.run(fn);
    return { state: instance.state, port: instance.port };
  },
};
