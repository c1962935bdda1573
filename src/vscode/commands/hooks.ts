import type { FunctionSpec } from '../../spec/model';
import type { Hook } from '../InstanceManager';
import { isRunning, type FunctionCommand } from './command';

/** Initialize, Pre-freeze, Pre-stop: call the lifecycle hook on the running instance and show what it said. */
function hookCommand(id: string, hook: Hook, configured: (fn: FunctionSpec) => boolean): FunctionCommand {
  return {
    id,
    applies: (fn, s) => isRunning(fn, s) && configured(fn),
    run: (s, fn) => s.invoker.callHook(fn, hook),
  };
}

export const initialize = hookCommand('fcbox.function.initialize', 'initialize', (fn) => !!fn.initializer);
export const preFreeze = hookCommand('fcbox.function.preFreeze', 'preFreeze', (fn) => !!fn.preFreeze);
export const preStop = hookCommand('fcbox.function.preStop', 'preStop', (fn) => !!fn.preStop);
