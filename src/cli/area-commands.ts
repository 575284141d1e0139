import type { Deps } from '../deps.ts';
import type { CommandResult } from './command-result.ts';
import { exportCommand } from './export-commands.ts';
import { userCommand } from './user-commands.ts';
import { importCommand } from './import-commands.ts';

/**
 * Commands a feature area brings in its own file (import, export, users…). Each looks at the
 * arguments and returns undefined when they are not its command, so `executeCommand` tries the
 * next; each parses its own options and lists its usage lines in `usage`.
 */
export type AreaCommand = {
  usage: string;
  run(deps: Deps, argv: string[]): Promise<CommandResult | undefined>;
};

export const AREA_COMMANDS: AreaCommand[] = [exportCommand, userCommand, importCommand];
