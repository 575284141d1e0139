import type { ColumnTarget, Import, ImportDryRun, ImportOptions, ImportRollback } from './imports.schema.ts';
import type { ImportRow } from './imports.repo.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The API's view of an import: progress with rate and ETA from the checkpoint and the clock. */
export function presentImport(row: ImportRow, preview: Import['preview'], now: Date): Import {
  const options = row.options as ImportOptions;
  const done = row.last_committed_row;
  const total = row.total_rows;
  const started = row.started_at ? new Date(row.started_at).getTime() : null;
  const until = row.finished_at ? new Date(row.finished_at).getTime() : now.getTime();
  const seconds = started === null ? 0 : (until - started) / 1000;
  const rate = started !== null && seconds > 0 && done > 0 ? Math.round((done / seconds) * 10) / 10 : null;
  const expected = total ?? Math.max(row.estimated_rows, done);
  const running = row.status === 'running' || row.status === 'queued';
  const counts = {
    created: row.created_count, updated: row.updated_count, unchanged: row.unchanged_count,
    failed: row.failed_count, conflict: row.conflict_count, notApplied: 0,
  };
  if (options.mode === 'atomic' && row.status === 'failed' && total !== null) {
    counts.notApplied = Math.max(0, total - counts.created - counts.updated - counts.unchanged - counts.failed - counts.conflict);
  }
  return {
    id: row.id,
    status: row.status,
    fileName: row.file_name,
    sizeBytes: Number(row.size_bytes),
    encoding: row.encoding,
    delimiter: row.delimiter,
    headers: row.headers,
    mapping: row.mapping as ColumnTarget[],
    options: { encoding: options.encoding ?? null, delimiter: options.delimiter ?? null, matchBy: options.matchBy, mode: options.mode, duplicates: options.duplicates },
    preview,
    progress: {
      rowsDone: done,
      totalRows: total,
      estimatedRows: row.estimated_rows,
      rowsPerSecond: rate,
      etaSeconds: running && rate ? Math.max(0, Math.round((expected - done) / rate)) : running ? null : 0,
    },
    counts,
    dryRun: (row.dry_run as ImportDryRun | null) ?? null,
    rollback: (row.rollback as ImportRollback | null) ?? null,
    error: row.error ?? null,
    errorsCsv: counts.failed + counts.conflict > 0 ? `/v1/imports/${row.id}/errors.csv` : null,
    version: row.version,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}
