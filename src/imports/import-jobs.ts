import type { Actor } from '../lib/actor.ts';
import type { Db } from '../lib/db.ts';
import { inTransaction, currentWorkspaceId, inWorkspace } from '../lib/tenant-scope.ts';
import { openCsv, type CsvEncoding } from './csv/open-csv.ts';
import type { ImportFiles } from './import-files.ts';
import { loadMappingContext } from './import-context.ts';
import { streamBatches, type BatchWriter, type RunPlan } from './import-run.ts';
import { sqlStateOf } from '../lib/pg-errors.ts';
import * as repo from './imports.repo.ts';
import type { ColumnTarget, ImportDryRun, ImportOptions } from './imports.schema.ts';
import type { ImportsDeps } from './import-context.ts';

/** Thrown to roll a transaction back on purpose (dry run; atomic import with failed rows). */
class RollBack extends Error {}
/** Another worker moved the checkpoint: this one stops, the other goes on. */
class Superseded extends Error {}
/** The batch before this one did not commit (rolled back, or lost a lock cycle): the pipelined run stops. */
class PipelineBroken extends Error {}

/**
 * Batches applied at once by a pipelined run (PostgreSQL, rows without stages). Measured at 1M rows
 * on 2 cores (bench/README.md, B1): 2 → 10,427 rows/s, 3 → 12,658, 4 → 13,085 with peak RSS
 * 315 / 322 / 336 MB against B1's 350 MB; three of the tenant pool's ten connections.
 */
const PIPELINE_DEPTH = 3;

const SAMPLES = 5;
const PROBLEM_SAMPLES = 20;

const asWorkspace = <T>(workspaceId: string, fn: () => Promise<T>): Promise<T> =>
  currentWorkspaceId() === workspaceId ? fn() : inWorkspace(workspaceId, fn);

/** Lets requests in (the embedded database has one connection) before the next batch. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Counts and samples of outcomes, for a dry run and for an atomic import (which keeps its failed rows to report them). */
function tally(keepFailures: boolean) {
  const counts = { created: 0, updated: 0, unchanged: 0, failed: 0, conflict: 0, notApplied: 0 };
  const samples: ImportDryRun['samples'] = { created: [], updated: [], unchanged: [], problems: [] };
  const failures: repo.RowOutcome[] = [];
  return {
    counts, samples, failures,
    add(outcomes: repo.RowOutcome[]) {
      for (const o of outcomes) {
        if (o.status === 'error' || o.status === 'conflict') {
          counts[o.status === 'error' ? 'failed' : 'conflict']++;
          if (keepFailures) failures.push(o);
          if (samples.problems.length < PROBLEM_SAMPLES) samples.problems.push({ row: o.row, line: o.line, column: o.column ?? null, code: o.code ?? o.status, message: o.message ?? '' });
        } else {
          counts[o.status]++;
          if (samples[o.status].length < SAMPLES) samples[o.status].push(o.row);
        }
      }
    },
  };
}

export function makeImportJobs(deps: ImportsDeps, files: ImportFiles) {
  const { db, clock } = deps;
  const { contacts, contactStages } = deps.services;

  async function planFor(actor: Actor, row: repo.ImportRow): Promise<RunPlan> {
    const context = await loadMappingContext(deps.services, actor);
    return {
      importId: row.id,
      actor,
      headers: row.headers,
      mapping: row.mapping as ColumnTarget[],
      options: row.options as ImportOptions,
      context,
      writeBatch: ((a, items, o) => contacts.writeBatch(a, items, o)) as BatchWriter,
      setStages: (a, moves) => contactStages.setStages(a, moves, { source: 'import' }),
    };
  }

  async function records(row: repo.ImportRow) {
    const csv = await openCsv(files.source(row.storage_key), { encoding: row.encoding as CsvEncoding, delimiter: row.delimiter });
    return csv.records;
  }

  /**
   * Runs the whole file in one transaction and keeps it only when `keep` says so (an atomic import
   * with no failed row); a dry run never keeps it. The outcomes are tallied either way.
   */
  async function wholeFile(actor: Actor, row: repo.ImportRow, keep: (t: ReturnType<typeof tally>) => boolean) {
    const atomic = (row.options as ImportOptions).mode === 'atomic' && row.status !== 'draft';
    const t = tally(atomic);
    let lastRow = 0;
    try {
      await db.transaction(async (tx) => inTransaction(tx, async () => {
        const plan = await planFor(actor, row);
        lastRow = await streamBatches(plan, await records(row), 0, async (work, batchLast) => {
          const outcomes = await (await work()).moveStages();
          t.add(outcomes);
          await repo.commitBatch(tx, row.workspace_id, row.id, outcomes, batchLast, clock.now());
        });
        if (!keep(t)) throw new RollBack();
        await repo.updateImport(tx, row.workspace_id, row.id, { status: 'succeeded', totalRows: lastRow, finished: true }, clock.now());
      }));
      return { kept: true, tally: t, lastRow };
    } catch (err) {
      if (!(err instanceof RollBack)) throw err;
      return { kept: false, tally: t, lastRow };
    }
  }

  async function runAtomic(row: repo.ImportRow): Promise<void> {
    const actor = row.actor as unknown as Actor;
    const result = await wholeFile(actor, row, (t) => t.counts.failed + t.counts.conflict === 0);
    if (result.kept) return;
    // Nothing of the file was applied; the report still lists every failed row.
    await db.transaction(async (tx) => {
      await repo.commitBatch(tx, row.workspace_id, row.id, result.tally.failures, result.lastRow, clock.now());
      await repo.updateImport(tx, row.workspace_id, row.id, {
        status: 'failed', totalRows: result.lastRow, finished: true,
        error: { code: 'atomic_rows_failed', message: `${result.tally.failures.length} rows failed; in atomic mode no row was applied` },
      }, clock.now());
    });
  }

  /**
   * Partial mode: each batch commits with its rows' outcomes and the checkpoint, under the import
   * row's lock; a batch whose checkpoint moved meanwhile (a second worker) is not applied again.
   *
   * On PostgreSQL up to three batches are applied at once (the writer's work is the database's,
   * and a second connection uses the second core) but commit in file order, so the checkpoint
   * still means "every row up to here is applied". Rows of batches in flight never share an email
   * or phone (streamBatches waits for the earlier batch first); should they still meet on a lock
   * (an upsert matching one contact by two keys), the server breaks the cycle and the run goes on
   * one batch at a time from the checkpoint. A batch moves its contacts' stages only once the
   * batch before committed: the per-stage count rows those moves update are shared by every batch.
   */
  async function runPartial(row: repo.ImportRow): Promise<void> {
    const actor = row.actor as unknown as Actor;
    const plan = await planFor(actor, row);
    const pipelined = Boolean(deps.config.databaseUrl);
    try {
      await runBatches(row, plan, pipelined ? PIPELINE_DEPTH : 1);
    } catch (err) {
      if (!(err instanceof PipelineBroken) && sqlStateOf(err) !== '40P01') throw err;
      const fresh = await repo.findImport(db, row.workspace_id, row.id);
      if (fresh?.status === 'running') await runBatches(fresh, plan, 1);
    }
  }

  async function runBatches(row: repo.ImportRow, plan: RunPlan, depth: number): Promise<void> {
    let expected = row.last_committed_row;
    let before: { n: number; holding: Promise<void> } | null = null;
    let n = 0;
    const lastRow = await streamBatches(plan, await records(row), row.last_committed_row, async (work, batchLast) => {
      const checkpointBefore = expected;
      const previous = before;
      const turn = n++;
      let holding!: () => void;
      before = { n: turn, holding: new Promise<void>((resolve) => (holding = resolve)) };
      expected = batchLast;
      const takeCheckpoint = async (tx: Db) => {
        const current = await repo.findImport(tx, row.workspace_id, row.id, { lock: true });
        if (!current || current.status !== 'running') throw new Superseded();
        if (current.last_committed_row !== checkpointBefore) throw depth > 1 && previous ? new PipelineBroken() : new Superseded();
      };
      try {
        await db.transaction(async (tx) => inTransaction(tx, async () => {
          if (depth === 1) {
            await takeCheckpoint(tx);
            await repo.commitBatch(tx, row.workspace_id, row.id, await (await work()).moveStages(), batchLast, clock.now());
            return;
          }
          await repo.holdBatchTurn(tx, row.id, turn);
          holding();
          // The batch before has its turn lock by now (it takes it first thing), so waiting for it
          // below is a wait the database sees.
          if (previous) await previous.holding;
          const written = await work();
          if (previous) await repo.awaitBatchTurn(tx, row.id, previous.n);
          // Stage moves only now, the batch before committed: they update per-stage count rows
          // every batch of a staged file shares, which two open batches would take in turn.
          const outcomes = await written.moveStages();
          await takeCheckpoint(tx);
          await repo.commitBatch(tx, row.workspace_id, row.id, outcomes, batchLast, clock.now());
        }));
      } finally {
        holding();
      }
      await yieldToEventLoop();
    }, depth);
    await repo.updateImport(db, row.workspace_id, row.id, { status: 'succeeded', totalRows: Math.max(lastRow, expected), finished: true }, clock.now());
  }

  return {
    /** The job: works the import from its checkpoint to the end; safe to call again. */
    async run(workspaceId: string, importId: string): Promise<void> {
      await asWorkspace(workspaceId, async () => {
        let row = await repo.findImport(db, workspaceId, importId);
        if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
        if (row.status === 'queued') {
          await repo.updateImport(db, workspaceId, importId, { status: 'running', started: true }, clock.now());
          row = (await repo.findImport(db, workspaceId, importId))!;
        }
        try {
          if ((row.options as ImportOptions).mode === 'atomic') await runAtomic(row);
          else await runPartial(row);
        } catch (err) {
          if (!(err instanceof Superseded)) throw err;
        }
      });
    },

    /** Retries are spent: the import ends `failed` with what it applied so far. */
    async abandon(workspaceId: string, importId: string): Promise<void> {
      await asWorkspace(workspaceId, async () => {
        const row = await repo.findImport(db, workspaceId, importId);
        if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
        await repo.updateImport(db, workspaceId, importId, { status: 'failed', finished: true, error: { code: 'import_job_failed', message: 'The import stopped on an unexpected error after its retries; the rows so far are applied and listed' } }, clock.now());
      });
    },

    /** Every row applied as the real run would, in a transaction rolled back at the end. */
    async dryRun(actor: Actor, row: repo.ImportRow): Promise<ImportDryRun> {
      const result = await wholeFile(actor, row, () => false);
      return { rows: result.lastRow, counts: result.tally.counts, samples: result.tally.samples, at: clock.now().toISOString() };
    },
  };
}
