import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, RawSql } from './db.ts';
import { PROJECT_ROOT } from './project-root.ts';

// Read from the sources also when the compiled server runs (dist/server has no .sql files).
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'src', 'db', 'migrations');

/** An applied migration whose file no longer matches what was applied: start-up must stop. */
export class MigrationChecksumError extends Error {
  constructor(
    readonly file: string,
    readonly applied: string,
    readonly current: string,
  ) {
    super(
      `Migration ${file} was edited after it was applied (checksum ${applied.slice(0, 12)}… ≠ ${current.slice(0, 12)}…). ` +
        'Migrations are forward-only: restore the file and add a new migration.',
    );
    this.name = 'MigrationChecksumError';
  }
}

/**
 * SHA-256 of a migration as it was written. Line endings are normalised (CRLF or CR → LF) and a
 * UTF-8 byte-order mark is dropped: a Windows checkout (git autocrlf) or editor changes neither
 * the SQL nor its meaning, and must not stop start-up. Any other change, whitespace included,
 * counts as an edit: the rule stays simple and a "harmless" edit is one review away from a real one.
 */
export function migrationChecksum(body: string): string {
  const normalised = body.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return createHash('sha256').update(normalised, 'utf8').digest('hex');
}

/**
 * Forward-only SQL migrations, applied in file-name order, each in its own transaction.
 * Hand-written SQL rather than drizzle-kit output: each feature adds its own numbered file,
 * and RLS, trigram indexes and extensions (which drizzle-kit does not emit) live beside the tables.
 * src/lib/schema-drift.test.ts keeps the Drizzle tables and the migrated database in agreement.
 * An advisory lock keeps two servers starting at once from applying the same file twice.
 * Each applied file's checksum is recorded; an applied file that changed since stops start-up
 * with a MigrationChecksumError before anything new is applied.
 */
export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readMigrations(dir);
  if (await upToDate(database.raw, files)) return [];
  return database.session((raw) => applyAll(raw, files));
}

/**
 * The usual start: every file applied, none edited, known from two reads of the catalog and the
 * record, without the lock or DDL. On an embedded database just opened, the locked path's
 * CREATE TABLE IF NOT EXISTS and information_schema query cost 0.1–0.3 s of start-up (PostgreSQL
 * reading cold catalogs). Anything else (a new or edited file, no record table or no checksum
 * column yet) takes the locked path, which decides again under the lock.
 */
async function upToDate(raw: RawSql, files: MigrationFile[]): Promise<boolean> {
  const { rows } = await raw(
    `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('schema_migrations') AND attname = 'checksum' AND NOT attisdropped`,
    [],
  );
  if (!rows.length) return false;
  const done = new Map((await raw('SELECT name, checksum FROM schema_migrations', [])).rows.map((r) => [String(r.name), String(r.checksum)]));
  return files.every((file) => done.get(file.name) === file.checksum);
}

type MigrationFile = { name: string; body: string; checksum: string };

function readMigrations(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const body = readFileSync(join(dir, name), 'utf8');
      return { name, body, checksum: migrationChecksum(body) };
    });
}

async function applyAll(raw: RawSql, files: MigrationFile[]): Promise<string[]> {
  const applied: string[] = [];
  // Locked before the record table is created or altered, so two first starts do not race on it.
  await raw('SELECT pg_advisory_lock(724100)', []);
  try {
    await ensureRecordTable(raw, files);
    const done = new Map(
      (await raw('SELECT name, checksum FROM schema_migrations', [])).rows.map((r) => [String(r.name), String(r.checksum)]),
    );
    // Every applied file is checked before any new one runs: an edited history stops everything.
    for (const file of files) {
      const recorded = done.get(file.name);
      if (recorded !== undefined && recorded !== file.checksum) throw new MigrationChecksumError(file.name, recorded, file.checksum);
    }
    for (const file of files) {
      if (done.has(file.name)) continue;
      const escaped = file.name.replace(/'/g, "''");
      await raw(
        `BEGIN;\n${file.body}\n;INSERT INTO schema_migrations(name, checksum) VALUES ('${escaped}', '${file.checksum}');\nCOMMIT;`,
      );
      applied.push(file.name);
    }
  } catch (err) {
    await raw('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await raw('SELECT pg_advisory_unlock(724100)', []);
  }
  return applied;
}

/**
 * Creates the record table, or brings one from before checksums up to date. A database migrated
 * before checksums existed has no column for them: it is added, and the current files' checksums
 * are recorded for the migrations already applied. That first time the files are trusted as they
 * are (nothing older to compare with); every later start compares against what was recorded.
 */
async function ensureRecordTable(raw: RawSql, files: MigrationFile[]): Promise<void> {
  await raw(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), checksum text NOT NULL)`);
  const { rows } = await raw(
    `SELECT 1 FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'schema_migrations' AND column_name = 'checksum'`,
    [],
  );
  if (rows.length) return;
  const values = files.map((f) => `('${f.name.replace(/'/g, "''")}', '${f.checksum}')`).join(', ');
  await raw(`BEGIN;
    ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text;
    ${values ? `UPDATE schema_migrations m SET checksum = f.checksum FROM (VALUES ${values}) AS f(name, checksum) WHERE m.name = f.name;` : ''}
    COMMIT;`);
}
