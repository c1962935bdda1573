import * as vscode from 'vscode';
import type { Services } from '../services';
import { type Command, resolveFunction } from './command';
import { createStarter } from './createStarter';
import { debug } from './debug';
import { fixBootstrap } from './fixBootstrap';
import { initialize, preFreeze, preStop } from './hooks';
import { invoke } from './invoke';
import { openWalkthrough } from './openWalkthrough';
import { refresh } from './refresh';
import { restart } from './restart';
import { reveal } from './reveal';
import { run } from './run';
import { showLogs } from './showLogs';
import { stop } from './stop';

const COMMANDS: Command[] = [run, debug, invoke, initialize, preFreeze, preStop, restart, stop, showLogs, reveal, refresh, createStarter, openWalkthrough, fixBootstrap];

/**
 * Registers every command in one place: function commands get their function resolved the same way whatever
 * called them, and every failure goes through the one error reporter (with that function's actions).
 * A command's result is returned to its caller (tests and scripts use it); failures resolve to undefined.
 */
export function registerCommands(services: Services): vscode.Disposable[] {
  return COMMANDS.map((command) =>
    vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
      if ('plain' in command) {
        try {
          return await command.run(services, ...args);
        } catch (e) {
          services.errors.show(e);
          return undefined;
        }
      }
      let fn: Awaited<ReturnType<typeof resolveFunction>>;
      try {
        fn = await resolveFunction(services, args[0], command);
        if (!fn) return undefined;
        return await command.run(services, fn, ...args.slice(1));
      } catch (e) {
        services.errors.show(e, fn);
        return undefined;
      }
    }),
  );
}
