import { revealFunction } from '../errors';
import type { FunctionCommand } from './command';

export const reveal: FunctionCommand = {
  id: 'fcbox.function.reveal',
  run: (_s, fn) => revealFunction(fn),
};
