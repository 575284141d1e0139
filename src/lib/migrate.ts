import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, RawSql } from './db.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'db', 'migrations');

/**
 * Forward-only SQL migrations, applied in file-name order, each in its own transaction.
 * Hand-written SQL rather than drizzle-kit output: each feature adds its own numbered file,
 * and RLS, trigram indexes and extensions (which drizzle-kit does not emit) live beside the tables.
 * An advisory lock keeps two servers starting at once from applying the same file twice.
 */
export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  return database.session((raw) => applyAll(raw, dir));
}

async function applyAll(raw: RawSql, dir: string): Promise<string[]> {
  await raw(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const applied: string[] = [];
  await raw('SELECT pg_advisory_lock(724100)', []);
  try {
    const done = new Set((await raw('SELECT name FROM schema_migrations', [])).rows.map((r) => String(r.name)));
    for (const file of files) {
      if (done.has(file)) continue;
      const body = readFileSync(join(dir, file), 'utf8');
      const escaped = file.replace(/'/g, "''");
      await raw(`BEGIN;\n${body}\n;INSERT INTO schema_migrations(name) VALUES ('${escaped}');\nCOMMIT;`);
      applied.push(file);
    }
  } catch (err) {
    await raw('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await raw('SELECT pg_advisory_unlock(724100)', []);
  }
  return applied;
}
