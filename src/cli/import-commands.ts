import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../deps.ts';
import type { Actor } from '../lib/actor.ts';
import { isUuid } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { makeImportsService } from '../imports/imports.service.ts';
import { IMPORT_DELIMITERS, IMPORT_ENCODINGS, MATCH_KEYS, type Import, type ImportOptionsInput } from '../imports/imports.schema.ts';
import { fail, ok, parseCommandArgs, type CommandResult } from './command-result.ts';

const USAGE = `  import contacts FILE.csv --workspace ID [--match-by email,phone,externalRef|none] [--dry-run] [--delimiter ';'|tab]
                 [--encoding utf-8|windows-1252|utf-16le|utf-16be] [--mode partial|atomic] [--duplicates merge|report] [--json]
                                              progress on stderr; failed rows to FILE-errors.csv`;

const DELIMITER_NAMES: Record<string, string> = { tab: '\t', '\\t': '\t' };

const counts = (imp: Import) => {
  const c = imp.counts;
  return `created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, failed ${c.failed}, conflict ${c.conflict}${c.notApplied ? `, not applied ${c.notApplied}` : ''}`;
};

const progressLine = (imp: Import) => {
  const p = imp.progress;
  const total = p.totalRows ?? p.estimatedRows;
  const eta = p.etaSeconds === null ? '?' : `${Math.floor(p.etaSeconds / 60)}m${String(p.etaSeconds % 60).padStart(2, '0')}s`;
  return `\r${p.rowsDone}/${total} rows · ${p.rowsPerSecond ?? 0} rows/s · ETA ${eta}   `;
};

/**
 * `vixiees import contacts FILE.csv`: the API's import (upload, optional dry run, start) with the
 * job run right here. Progress goes to stderr while it runs when the command runs in its own
 * process; through the server's bridge (a server holds the embedded database) only the final
 * counts come back, and FILE is read by the server (give an absolute path).
 */
export const importCommand = {
  usage: USAGE,
  async run(deps: Deps, argv: string[]): Promise<CommandResult | undefined> {
    if (argv[0] !== 'import') return undefined;
    const args = parseCommandArgs(
      argv.slice(1),
      {
        workspace: { type: 'string' }, 'match-by': { type: 'string' }, 'dry-run': { type: 'boolean' }, delimiter: { type: 'string' },
        encoding: { type: 'string' }, mode: { type: 'string' }, duplicates: { type: 'string' }, json: { type: 'boolean' },
      },
      USAGE,
    );
    if ('answer' in args) return args.answer;
    const { values: o, positionals } = args.parsed;
    if (positionals[0] !== 'contacts' || positionals.length !== 2) return fail(`Usage:\n${USAGE}`, 2);
    const file = positionals[1]!;
    const workspaceId = o.workspace;
    if (!workspaceId || !isUuid(workspaceId)) return fail('--workspace must be a workspace id (UUID)', 2);
    const options: ImportOptionsInput = {};
    if (o.delimiter !== undefined) {
      const d = DELIMITER_NAMES[o.delimiter] ?? o.delimiter;
      if (!(IMPORT_DELIMITERS as readonly string[]).includes(d)) return fail(`--delimiter must be one of , ; | tab`, 2);
      options.delimiter = d as ImportOptionsInput['delimiter'];
    }
    if (o.encoding !== undefined) {
      if (!(IMPORT_ENCODINGS as readonly string[]).includes(o.encoding.toLowerCase())) return fail(`--encoding must be one of ${IMPORT_ENCODINGS.join(', ')}`, 2);
      options.encoding = o.encoding.toLowerCase() as ImportOptionsInput['encoding'];
    }
    if (o['match-by'] !== undefined) {
      const keys = o['match-by'] === 'none' ? [] : o['match-by'].split(',').map((k) => k.trim());
      if (keys.some((k) => !(MATCH_KEYS as readonly string[]).includes(k))) return fail(`--match-by takes ${MATCH_KEYS.join(', ')} (comma separated) or none`, 2);
      options.matchBy = keys as ImportOptionsInput['matchBy'];
    }
    if (o.mode !== undefined) {
      if (o.mode !== 'partial' && o.mode !== 'atomic') return fail('--mode must be partial or atomic', 2);
      options.mode = o.mode;
    }
    if (o.duplicates !== undefined) {
      if (o.duplicates !== 'merge' && o.duplicates !== 'report') return fail('--duplicates must be merge or report', 2);
      options.duplicates = o.duplicates;
    }
    try {
      if (!(await stat(file)).isFile()) return fail(`${file} is not a file`);
    } catch {
      return fail(`Cannot read ${file}`);
    }

    const imports = makeImportsService(deps);
    const actor: Actor = { workspaceId, role: 'owner', userId: null, type: 'cli', principalId: workspaceId };
    // Only a CLI in its own process may write to the terminal as it goes (not a server's bridge).
    const showProgress = process.argv[2] === 'import' && !o.json;
    return inWorkspace(workspaceId, async () => {
      const saved = await imports.saveUpload(workspaceId, createReadStream(file));
      let imp = await imports.create(actor, { fileName: basename(file), ...saved }, options);
      if (o['dry-run']) {
        imp = await imports.dryRun(actor, imp.id);
        const d = imp.dryRun!;
        if (o.json) return ok(JSON.stringify({ importId: imp.id, dryRun: d }, null, 2));
        const c = d.counts;
        const problems = d.samples.problems.map((p) => `  row ${p.row} (line ${p.line})${p.column ? ` ${p.column}` : ''}: ${p.message} (${p.code})`).join('\n');
        return ok(`Dry run of ${file} (${imp.encoding}, delimiter ${JSON.stringify(imp.delimiter)}): ${d.rows} rows would be created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, failed ${c.failed}, conflict ${c.conflict}. Nothing was written (import ${imp.id} stays a draft).${problems ? `\n${problems}` : ''}`);
      }
      imp = await imports.start(actor, imp.id);
      const timer = showProgress ? setInterval(() => {
        imports.get(actor, imp.id).then((now) => process.stderr.write(progressLine(now)), () => {});
      }, 500) : undefined;
      try {
        await imports.run(workspaceId, imp.id);
      } finally {
        if (timer) clearInterval(timer);
      }
      imp = await imports.get(actor, imp.id);
      if (showProgress) process.stderr.write(`${progressLine(imp)}\n`);
      let errorsFile: string | null = null;
      if (imp.counts.failed + imp.counts.conflict > 0) {
        errorsFile = `${file.replace(/\.csv$/i, '')}-errors.csv`;
        const { body } = await imports.errorsCsv(actor, imp.id);
        await pipeline(body, createWriteStream(errorsFile));
      }
      if (o.json) return ok(JSON.stringify({ importId: imp.id, status: imp.status, rows: imp.progress.totalRows, counts: imp.counts, errorsFile, error: imp.error }, null, 2));
      const summary = `Import ${imp.id} ${imp.status}: ${imp.progress.totalRows ?? imp.progress.rowsDone} rows, ${counts(imp)}.`;
      const tail = `${imp.error ? `\n${imp.error.message}` : ''}${errorsFile ? `\nFailed rows: ${errorsFile} (fix them and import that file again)` : ''}`;
      return imp.status === 'succeeded' ? ok(summary + tail) : fail(summary + tail);
    });
  },
};
