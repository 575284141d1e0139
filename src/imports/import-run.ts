import { createHash } from 'node:crypto';
import type { Actor } from '../lib/actor.ts';
import type { ImportOptions, ColumnTarget } from './imports.schema.ts';
import type { RowOutcome } from './imports.repo.ts';
import { mapRow, type MappedRow, type MappingContext, type RowProblem } from './map-row.ts';

/** Rows applied in one transaction with their checkpoint (R23: about 1,000). */
export const BATCH_ROWS = 1000;

/** A record as the CSV reader gives it. */
export type CsvRecord = { row: number; line: number; values: string[] } | { row: number; line: number; error: { code: string; message: string } };

/** The writer on the contacts service (joins the caller's open transaction). */
export type BatchWriter = (actor: Actor, items: unknown[], opts: {
  mode: 'create' | 'upsert' | 'update'; matchBy?: ('email' | 'phone' | 'externalRef')[]; source?: 'csv'; sourceDetail?: string;
}) => Promise<{ index: number; status: RowOutcome['status']; contactId?: string; version?: number; previous?: Record<string, unknown>; problem?: { code: string; message: string; errors?: { pointer: string; code: string; message: string }[] } }[]>;

/** Puts the batch's contacts in the stages their rows name (one call per batch); gives each contact's version after. */
export type StageSetter = (actor: Actor, moves: { contactId: string; playbookId: string; stageId: string }[]) => Promise<Map<string, number>>;

type Pending = { row: number; line: number; cells: string[] | null; mapped?: MappedRow; problem?: RowProblem };

export type RunPlan = {
  importId: string;
  actor: Actor;
  headers: string[];
  mapping: ColumnTarget[];
  options: ImportOptions;
  context: MappingContext;
  writeBatch: BatchWriter;
  setStages: StageSetter;
};

/** A 48-bit hash of a duplicate key: memory per row seen stays a number, not the string. */
const keyHash = (key: string) => createHash('sha1').update(key).digest().readUIntBE(0, 6);

/** The column of a problem the writer reports at `/items/3/email` (or `/email`). */
function columnOfPointer(pointer: string | undefined, mapped: MappedRow): string | null {
  if (!pointer) return null;
  const path = pointer.replace(/^\/items\/\d+/, '').replace(/^\//, '');
  for (const [field, column] of Object.entries(mapped.columnOf)) {
    if (path === field || path.startsWith(`${field}/`)) return column;
  }
  const top = path.split('/')[0] ?? '';
  return mapped.columnOf[top] ?? null;
}

/**
 * A batch whose contacts are written and whose stage moves are not yet: `moveStages` makes them
 * and gives every row's outcome. Two steps, so a pipelined run can write its batch beside the
 * one before and move stages only after that one committed (stage moves update per-stage count
 * rows that every batch of a staged file shares).
 */
export type WrittenBatch = { moveStages: () => Promise<RowOutcome[]> };

/**
 * Reads records, maps them and hands batches to `apply` (which runs the batch's work in its
 * transaction), in file order. Rows up to `fromRow` were committed by an earlier run: they are
 * read (the file has no index) but not applied. A row whose email or phone is already in the
 * batch is matched to the contact the earlier row wrote (`duplicates: merge`) by the writer's
 * rounds, never created twice; one whose key is in a batch still in flight waits for it.
 */
export async function streamBatches(
  plan: RunPlan,
  records: AsyncIterable<CsvRecord>,
  fromRow: number,
  apply: (work: () => Promise<WrittenBatch>, lastRow: number) => Promise<void>,
  maxInFlight = 1,
): Promise<number> {
  const seen = plan.options.duplicates === 'report' ? new Map<number, number>() : undefined;
  let batch: Pending[] = [];
  let batchKeys = new Set<string>();
  let lastRow = fromRow;

  // Batches handed to `apply` and not yet settled, oldest first, with the keys their rows match
  // on. While the database applies them, the next rows are read and mapped (Node and PostgreSQL
  // work at the same time). With `maxInFlight` 1 each batch starts after the previous one
  // committed; with more, `apply` decides the commit order (see import-jobs' pipelined run). A
  // failed batch stops the run at the next flush.
  const inFlight: { done: Promise<void>; keys: Set<string> }[] = [];
  const settleOldest = async () => {
    const oldest = inFlight.shift();
    if (oldest) await oldest.done;
  };
  const flush = async () => {
    if (!batch.length) return;
    const rows = batch;
    const keys = batchKeys;
    batch = [];
    batchKeys = new Set();
    // A row whose email or phone is in a batch not yet committed must see that batch's contact:
    // wait for it (and every batch before it) first.
    if (inFlight.some((b) => [...keys].some((k) => b.keys.has(k)))) while (inFlight.length) await settleOldest();
    while (inFlight.length >= maxInFlight) await settleOldest();
    const done = apply(() => applyRows(plan, rows), rows[rows.length - 1]!.row);
    done.catch(() => undefined); // awaited (and thrown) when it is settled
    inFlight.push({ done, keys });
  };

  try {
    for await (const rec of records) {
      // The header's own problems were answered when the file was uploaded.
      if (rec.row === 0) continue;
      lastRow = Math.max(lastRow, rec.row);
      let pending: Pending;
      if ('error' in rec) {
        pending = { row: rec.row, line: rec.line, cells: null, problem: { column: null, code: rec.error.code, message: rec.error.message } };
      } else {
        const mapped = mapRow(plan.headers, plan.mapping, rec.values, plan.context);
        pending = { row: rec.row, line: rec.line, cells: rec.values, mapped };
        if (seen) {
          for (const key of mapped.keys) {
            const h = keyHash(key);
            const earlier = seen.get(h);
            if (earlier !== undefined && earlier < rec.row) {
              pending.problem ??= { column: null, code: 'duplicate_in_file', message: `Same ${key.startsWith('e:') ? 'email' : 'phone'} as row ${earlier}` };
            } else if (earlier === undefined) seen.set(h, rec.row);
          }
        }
      }
      if (rec.row <= fromRow) continue;
      const keys = pending.mapped && !pending.problem && !pending.mapped.problems.length ? pending.mapped.keys : [];
      // Rows of one batch may share an email or phone: the writer applies them in order, each in a
      // round that sees the earlier one's contact. Splitting the batch there instead made a file
      // whose duplicates sit next to each other (one row per deal, say) import 50 rows at a time.
      if (batch.length >= BATCH_ROWS) await flush();
      batch.push(pending);
      for (const k of keys) batchKeys.add(k);
    }
    await flush();
    while (inFlight.length) await settleOldest();
  } finally {
    // Never leave a batch running behind the caller's back, even when reading or a batch failed.
    for (const b of inFlight.splice(0)) await b.done.catch(() => undefined);
  }
  return lastRow;
}

/** Writes one batch through the writer (in the caller's transaction); its stage moves wait for `moveStages`. */
async function applyRows(plan: RunPlan, rows: Pending[]): Promise<WrittenBatch> {
  const outcomes = new Map<number, RowOutcome>();
  let moveStages = async () => {};
  const toWrite: Pending[] = [];
  for (const p of rows) {
    const problem = p.problem ?? p.mapped?.problems[0];
    if (problem) {
      const status = problem.code === 'duplicate_in_file' ? 'conflict' : 'error';
      outcomes.set(p.row, { row: p.row, line: p.line, status, column: problem.column, code: problem.code, message: problem.message, cells: p.cells });
    } else toWrite.push(p);
  }
  if (toWrite.length) {
    const { matchBy, duplicates: _d, ...rest } = plan.options;
    void rest;
    const updating = plan.mapping.some((t) => t.kind === 'field' && t.field === 'id');
    const mode = updating ? 'update' : matchBy.length ? 'upsert' : 'create';
    const results = await plan.writeBatch(plan.actor, toWrite.map((p) => p.mapped!.item), {
      mode, ...(mode === 'upsert' ? { matchBy } : {}), source: 'csv', sourceDetail: `import:${plan.importId}`,
    });
    const written: { p: Pending; r: (typeof results)[number] }[] = [];
    for (const r of results) {
      const p = toWrite[r.index]!;
      if (r.status === 'error' || r.status === 'conflict') {
        const first = r.problem?.errors?.[0];
        outcomes.set(p.row, {
          row: p.row, line: p.line, status: r.status, column: columnOfPointer(first?.pointer, p.mapped!),
          code: first?.code ?? r.problem?.code ?? r.status, message: first?.message ?? r.problem?.message ?? r.status, cells: p.cells,
        });
      } else written.push({ p, r });
    }
    // The stages the rows name, for the whole batch at once, after the contacts exist. A stage that
    // cannot take contacts (archived since the mapping was made) leaves the row's contact where it is.
    const moves = written.filter(({ p, r }) => p.mapped!.stage && r.contactId).map(({ p, r }) => ({ contactId: r.contactId!, ...p.mapped!.stage! }));
    moveStages = async () => {
      const versions = moves.length ? await plan.setStages(plan.actor, moves) : new Map<string, number>();
      for (const { p, r } of written) {
        outcomes.set(p.row, {
          row: p.row, line: p.line, status: r.status, contactId: r.contactId ?? null, contactVersion: (r.contactId ? versions.get(r.contactId) : undefined) ?? r.version ?? null,
          previous: r.status === 'updated' ? (r.previous ?? {}) : null,
        });
      }
    };
  }
  return {
    moveStages: async () => {
      await moveStages();
      return rows.map((p) => outcomes.get(p.row) ?? { row: p.row, line: p.line, status: 'error', code: 'not_applied', message: 'The writer gave no result for this row', cells: p.cells });
    },
  };
}
