import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Actor } from '../lib/actor.ts';
import { AppError, fieldError, notFound, validationFailed, type FieldError } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import { inTransaction } from '../lib/tenant-scope.ts';
import type { Page } from '../lib/pagination.ts';
import { openCsv, type CsvEncoding, type CsvRecord } from './csv/open-csv.ts';
import { suggestMapping } from './csv/column-mapping.ts';
import { importFiles } from './import-files.ts';
import { loadMappingContext, type ImportsDeps } from './import-context.ts';
import { presentImport } from './imports.present.ts';
import { mapRow } from './map-row.ts';
import * as repo from './imports.repo.ts';
import { makeImportJobs } from './import-jobs.ts';
import { makeImportRollback } from './import-rollback.ts';
import { errorsCsv } from './errors-csv.ts';
import {
  ATOMIC_MAX_ROWS, type ColumnTarget, type Import, type ImportOptions, type ImportOptionsInput, type ImportUpdate,
} from './imports.schema.ts';

export const IMPORT_TOPIC = 'imports.run';
const PREVIEW_ROWS = 5;

export type { ImportsDeps };
export type Upload = { fileName: string; stream: Readable };

const notDraft = (row: repo.ImportRow) =>
  new AppError('import_not_draft', `The import is ${row.status}; only a draft can be changed, dry-run or started`, { status: 409 });

/**
 * CSV imports of contacts: upload (a draft showing how the file reads and maps), changes to the
 * mapping and options, a dry run, then a job that applies the file in batches with a checkpoint
 * (import-jobs.ts); failed rows as a CSV to fix (errors-csv.ts); rollback (import-rollback.ts).
 */
export function makeImportsService(deps: ImportsDeps) {
  const { db, clock } = deps;
  const files = importFiles(join(deps.config.dataDir, 'imports'));
  const jobs = makeImportJobs(deps, files);
  const rollback = makeImportRollback(deps);

  async function find(actor: Actor, id: string): Promise<repo.ImportRow> {
    const row = await repo.findImport(db, actor.workspaceId, id);
    if (!row) throw notFound('Import', id);
    return row;
  }

  /** Opens the file as it would be read and takes the header and the first rows. */
  async function readHead(key: string, opts: { encoding?: string; delimiter?: string }, rows: number) {
    let csv;
    try {
      csv = await openCsv(files.source(key), { encoding: opts.encoding as CsvEncoding | undefined, delimiter: opts.delimiter });
    } catch (err) {
      throw new AppError('unreadable_file', `The file cannot be read as CSV: ${String((err as Error).message).slice(0, 200)}`, { status: 422, errors: [{ pointer: '/file', code: 'unreadable_file', message: 'not a readable CSV' }] });
    }
    const head: CsvRecord[] = [];
    try {
      for await (const rec of csv.records) {
        if (rec.row === 0 && 'error' in rec) {
          throw new AppError(rec.error.code, `The header line cannot be read: ${rec.error.message}`, { status: 422, errors: [{ pointer: '/file', code: rec.error.code, message: rec.error.message }] });
        }
        head.push(rec);
        if (head.length >= rows) break;
      }
    } finally {
      await csv.close();
    }
    if (!csv.headers.length) throw fieldError('/file', 'empty_file', 'The file has no header line');
    return { encoding: csv.encoding, delimiter: csv.delimiter, headers: csv.headers, head };
  }

  function checkMapping(mapping: ColumnTarget[], headers: string[], attributeKeys: Set<string>): void {
    const errors: FieldError[] = [];
    if (mapping.length !== headers.length) errors.push({ pointer: '/mapping', code: 'mapping_length', message: `give one target per column: the file has ${headers.length}, the mapping ${mapping.length}` });
    mapping.forEach((t, i) => {
      if (t.kind === 'attribute' && !attributeKeys.has(t.key)) errors.push({ pointer: `/mapping/${i}/key`, code: 'unknown_attribute', message: `No contact attribute "${t.key}" is defined in this workspace` });
    });
    const fields = mapping.flatMap((t) => (t.kind === 'field' && !['additionalEmails', 'additionalPhones'].includes(t.field) ? [t.field] : []));
    const twice = fields.find((f, i) => fields.indexOf(f) !== i);
    if (twice) errors.push({ pointer: '/mapping', code: 'field_mapped_twice', message: `${twice} is the target of two columns` });
    if (errors.length) throw validationFailed(errors);
  }

  function checkOptions(options: ImportOptions, estimatedRows: number): void {
    if (options.mode === 'atomic' && estimatedRows > ATOMIC_MAX_ROWS) {
      throw fieldError('/mode', 'atomic_too_large', `An atomic import takes up to ${ATOMIC_MAX_ROWS} rows; this file has about ${estimatedRows}. Use partial mode or split the file`);
    }
  }

  async function present(actor: Actor, row: repo.ImportRow): Promise<Import> {
    let preview: Import['preview'] = null;
    if (row.status === 'draft') {
      const ctx = await loadMappingContext(deps.services, actor);
      const { head } = await readHead(row.storage_key, { encoding: row.encoding, delimiter: row.delimiter }, PREVIEW_ROWS);
      preview = head.map((rec) => {
        if ('error' in rec) return { row: rec.row, line: rec.line, values: [], contact: null, problems: [{ row: rec.row, line: rec.line, column: null, code: rec.error.code, message: rec.error.message }] };
        const m = mapRow(row.headers, row.mapping as ColumnTarget[], rec.values, ctx);
        return { row: rec.row, line: rec.line, values: rec.values, contact: { ...m.item, ...(m.stage ? { stage: m.stage } : {}) }, problems: m.problems.map((p) => ({ row: rec.row, line: rec.line, ...p })) };
      });
    }
    return presentImport(row, preview, clock.now());
  }

  return {
    /** Stores the upload (streamed to the data folder) and answers the draft: how it reads and maps. */
    async create(actor: Actor, upload: { fileName: string; key: string; sizeBytes: number; sha256: string; estimatedRows: number }, input: ImportOptionsInput): Promise<Import> {
      try {
        const { encoding, delimiter, headers } = await readHead(upload.key, input, 0);
        const ctx = await loadMappingContext(deps.services, actor);
        const mapping = input.mapping ?? (suggestMapping(headers, ctx.attributes) as ColumnTarget[]);
        checkMapping(mapping, headers, new Set(ctx.attributes.map((a) => a.key)));
        const options: ImportOptions = { encoding: input.encoding, delimiter: input.delimiter, matchBy: input.matchBy ?? ['email'], mode: input.mode ?? 'partial', duplicates: input.duplicates ?? 'merge' };
        checkOptions(options, upload.estimatedRows);
        const id = uuidv7(clock.now().getTime());
        await repo.insertImport(db, {
          workspaceId: actor.workspaceId, id, fileName: upload.fileName, storageKey: upload.key, sizeBytes: upload.sizeBytes, sha256: upload.sha256,
          estimatedRows: upload.estimatedRows, encoding, delimiter, headers, mapping, options, actor, now: clock.now(),
        });
        return await present(actor, (await repo.findImport(db, actor.workspaceId, id))!);
      } catch (err) {
        await files.remove(upload.key);
        throw err;
      }
    },

    /** Streams an upload to the data folder; the route calls it before the idempotency check. */
    saveUpload: (workspaceId: string, stream: Readable) => files.save(workspaceId, stream),
    discardUpload: (key: string) => files.remove(key),

    async update(actor: Actor, id: string, patch: ImportUpdate): Promise<Import> {
      // The services it asks (users, attributes) join this transaction: one connection on PGlite.
      return db.transaction(async (tx) => inTransaction(tx, async () => {
        const row = await repo.findImport(tx, actor.workspaceId, id, { lock: true });
        if (!row) throw notFound('Import', id);
        if (row.status !== 'draft') throw notDraft(row);
        const prev = row.options as ImportOptions;
        const rereads = (patch.encoding && patch.encoding !== row.encoding) || (patch.delimiter && patch.delimiter !== row.delimiter);
        const read = rereads ? await readHead(row.storage_key, { encoding: patch.encoding ?? row.encoding, delimiter: patch.delimiter ?? row.delimiter }, 0) : undefined;
        const headers = read?.headers ?? row.headers;
        const ctx = await loadMappingContext(deps.services, actor);
        const sameHeaders = JSON.stringify(headers) === JSON.stringify(row.headers);
        const mapping = patch.mapping ?? (sameHeaders ? (row.mapping as ColumnTarget[]) : (suggestMapping(headers, ctx.attributes) as ColumnTarget[]));
        checkMapping(mapping, headers, new Set(ctx.attributes.map((a) => a.key)));
        const options: ImportOptions = {
          encoding: patch.encoding ?? prev.encoding, delimiter: patch.delimiter ?? prev.delimiter,
          matchBy: patch.matchBy ?? prev.matchBy, mode: patch.mode ?? prev.mode, duplicates: patch.duplicates ?? prev.duplicates,
        };
        checkOptions(options, row.estimated_rows);
        await repo.updateImport(tx, actor.workspaceId, id, {
          encoding: read?.encoding, delimiter: read?.delimiter, headers, mapping, options, dryRun: null,
        }, clock.now());
        return present(actor, (await repo.findImport(tx, actor.workspaceId, id))!);
      }));
    },

    async get(actor: Actor, id: string): Promise<Import> {
      return present(actor, await find(actor, id));
    },

    async list(actor: Actor, query: { limit: number; cursor?: string }): Promise<Page<Import>> {
      const binding = `imports:${actor.workspaceId}`;
      const after = query.cursor ? deps.cursors.decode(query.cursor, binding) : undefined;
      const rows = await repo.listImports(db, actor.workspaceId, query.limit + 1, after ? { createdAt: String(after.v), id: after.id } : undefined);
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        data: page.map((r) => presentImport(r, null, clock.now())),
        nextCursor: rows.length > query.limit && last ? deps.cursors.encode({ v: new Date(last.created_at).toISOString(), id: last.id }, binding) : null,
      };
    },

    /** Applies the whole file in a transaction that is rolled back: the counts a real run gives. */
    async dryRun(actor: Actor, id: string): Promise<Import> {
      const row = await find(actor, id);
      if (row.status !== 'draft') throw notDraft(row);
      const result = await jobs.dryRun(actor, row);
      await repo.updateImport(db, actor.workspaceId, id, { dryRun: result }, clock.now());
      return present(actor, await find(actor, id));
    },

    /** Queues the import's job (with its outbox row, in one transaction). */
    async start(actor: Actor, id: string): Promise<Import> {
      const now = clock.now();
      await db.transaction(async (tx) => {
        const row = await repo.findImport(tx, actor.workspaceId, id, { lock: true });
        if (!row) throw notFound('Import', id);
        if (row.status !== 'draft') throw new AppError('import_already_started', `The import is ${row.status}; it can be started once`, { status: 409 });
        await repo.updateImport(tx, actor.workspaceId, id, { status: 'queued' }, now);
        await recordOutbox(tx, actor.workspaceId, { topic: IMPORT_TOPIC, payload: { importId: id } }, now);
      });
      return present(actor, await find(actor, id));
    },

    run: jobs.run,
    abandon: jobs.abandon,

    async rollback(actor: Actor, id: string): Promise<Import> {
      const row = await find(actor, id);
      if (row.status !== 'succeeded' && row.status !== 'failed' && row.status !== 'rolled_back') {
        throw new AppError('import_not_finished', `The import is ${row.status}; it can be rolled back once it has finished`, { status: 409 });
      }
      await rollback.run(actor, row);
      return present(actor, await find(actor, id));
    },

    /** The failed rows as a CSV to fix and import again (R21 formula guard, UTF-8 with BOM). */
    async errorsCsv(actor: Actor, id: string): Promise<{ fileName: string; body: Readable }> {
      const row = await find(actor, id);
      return { fileName: `${row.file_name.replace(/\.csv$/i, '')}-errors.csv`, body: errorsCsv(db, actor.workspaceId, row) };
    },
  };
}

export type ImportsService = ReturnType<typeof makeImportsService>;
