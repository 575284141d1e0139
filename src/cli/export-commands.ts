import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../deps.ts';
import type { Actor } from '../lib/actor.ts';
import { isUuid } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { csvStream, csvText, DELIMITERS, type Cell, type Delimiter } from '../exports/csv-writer.ts';
import { fail, ok, parseCommandArgs, type CommandResult } from './command-result.ts';

const USAGE = `  export contacts --workspace ID [--view VIEW_ID] [--columns a,b,…] [--delimiter ','|';'|tab] [--output FILE]
                                              CSV (UTF-8 with BOM, formula-safe); stdout without --output`;

const DELIMITER_NAMES: Record<string, Delimiter> = { ',': ',', ';': ';', '\t': '\t', tab: '\t', '\\t': '\t' };

/**
 * `vixiees export contacts`: the same export as `GET /v1/contacts/export`. With `--output` the
 * file is streamed to disk (memory flat, written to FILE.part and renamed when complete) by the
 * process that runs the command: the CLI itself, or the server when it holds the embedded
 * database (then a relative path is taken from the server's working directory).
 */
export const exportCommand = {
  usage: USAGE,
  async run(deps: Deps, argv: string[]): Promise<CommandResult | undefined> {
    if (argv[0] !== 'export') return undefined;
    const args = parseCommandArgs(argv.slice(1), { workspace: { type: 'string' }, view: { type: 'string' }, columns: { type: 'string' }, delimiter: { type: 'string' }, output: { type: 'string' } }, USAGE);
    if ('answer' in args) return args.answer;
    const { values: o, positionals } = args.parsed;
    if (positionals.length !== 1 || positionals[0] !== 'contacts') return fail(`Unknown export: ${positionals.join(' ') || '(none)'}\n\nUsage:\n${USAGE}`, 2);
    const workspaceId = o.workspace;
    if (!workspaceId || !isUuid(workspaceId)) return fail('--workspace must be a workspace id (UUID)', 2);
    if (o.view !== undefined && !isUuid(o.view)) return fail('--view must be a saved view id (UUID)', 2);
    const delimiter = o.delimiter === undefined ? undefined : DELIMITER_NAMES[o.delimiter];
    if (o.delimiter !== undefined && !delimiter) return fail(`--delimiter must be one of ${DELIMITERS.map((d) => JSON.stringify(d)).join(', ')} or tab`, 2);
    const columns = o.columns?.split(',').map((c) => c.trim());

    const actor: Actor = { workspaceId, role: 'owner', userId: null, type: 'cli', principalId: workspaceId };
    return inWorkspace(workspaceId, async () => {
      const result = await deps.services.exports.start(actor, { viewId: o.view, columns, delimiter }, 'body');
      let count = -1; // the header row is not a contact
      const rows = (async function* (): AsyncGenerator<Cell[]> {
        for await (const row of result.rows) {
          count++;
          yield row;
        }
      })();
      if (o.output === undefined) return ok(await csvText(rows, result.delimiter));
      const target = resolve(o.output);
      const partial = `${target}.part`;
      try {
        await pipeline(csvStream(rows, result.delimiter), createWriteStream(partial, { flags: 'w' }));
        await rename(partial, target);
      } catch (err) {
        await rm(partial, { force: true });
        throw err;
      }
      return { exitCode: 0, stdout: '', stderr: `Exported ${count} contacts to ${target}\n` };
    });
  },
};
