import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Database } from './db.ts';
import pino from 'pino';
import { migrate, MIGRATIONS_DIR } from './migrate.ts';
import { PROJECT_ROOT } from './project-root.ts';

/**
 * A fresh embedded database costs an initdb (3–5 s on a 2-core machine). Instead, `npm install`
 * builds a migrated data dir once and keeps it in node_modules/.cache; a first start copies the
 * folder (~0.2 s for 40 MB, faster than PGlite's own tarball loading). The folder name carries a
 * hash of the PGlite version and the migrations, so a stale template is simply not used.
 */
const ROOT = PROJECT_ROOT;
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'vixiees');

function templateKey(): string {
  const hash = createHash('sha256');
  const pglite = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  hash.update(pglite.version);
  for (const f of readdirSync(MIGRATIONS_DIR).filter((n) => n.endsWith('.sql')).sort()) {
    hash.update(f).update(readFileSync(join(MIGRATIONS_DIR, f)));
  }
  return hash.digest('hex').slice(0, 16);
}

const templatePath = () => join(CACHE_DIR, `pgdata-${templateKey()}`);

/**
 * Seeds a data dir that does not exist yet from the cached template, if one matches this code.
 * Returns whether it did (the copy then needs its own secrets: see rotateInstanceSecrets).
 */
export function seedFromTemplate(dataDir: string): boolean {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return false;
  try {
    const path = templatePath();
    if (!existsSync(join(path, 'PG_VERSION'))) return false;
    mkdirSync(dataDir, { recursive: true });
    // The lock file may already be in the folder; copy around it.
    cpSync(path, dataDir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

/** Builds the template (run by `npm install` through `vixiees build-template`). */
export async function buildTemplate(): Promise<string> {
  const path = templatePath();
  if (existsSync(join(path, 'PG_VERSION'))) return path;
  const database = await openDatabase({ inMemory: true });
  await migrate(database);
  // pg-boss creates its own schema on first start: do it here too. Imported here only: a server
  // start seeds from the template through this module and must not load pg-boss before /readyz.
  const { startQueue } = await import('./jobs/queue.ts');
  const queue = await startQueue(database, { logger: pino({ level: 'silent' }) });
  await queue.stop();
  const dump = await database.pglite!.dumpDataDir('none');
  await database.close();
  // Unpack into a folder next to the final one, then rename: a half-built template is never used.
  const building = `${path}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const unpacked = await openDatabase({ dataDir: building, loadDataDir: dump });
  await unpacked.close();
  rmSync(path, { recursive: true, force: true });
  renameSync(building, path);
  return path;
}

/** Secrets made by a migration are shared by every copy of the template: make this copy's own. */
export async function rotateInstanceSecrets(database: Database): Promise<void> {
  await database.raw(
    `UPDATE instance_secrets SET value = md5(random()::text || clock_timestamp()::text) || md5(random()::text) WHERE name = 'cursor_hmac'`,
    [],
  );
}
