import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openTestDatabase, testConfig } from '../../test/harness.ts';
import { isolatedBackend } from '../../test/server-process.ts';
import { openAndMigrate } from '../deps.ts';
import { openDatabase, type Database } from './db.ts';
import { migrate, MigrationChecksumError, migrationChecksum, MIGRATIONS_DIR } from './migrate.ts';
import { createScratchDatabase } from './scratch-database.ts';

/**
 * Migration checksums on a database of its own (these tests rewrite schema_migrations, which the
 * run's shared PostgreSQL database must keep), migrated from a copy of the real migrations.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function migratedCopy(): Promise<{ database: Database; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vixiees-migrations-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const url = inject('testDatabaseUrl');
  let database: Database;
  if (url) {
    const server = new URL(url);
    server.pathname = '/postgres';
    const scratch = await createScratchDatabase(server.toString(), 'vixiees_migrate');
    cleanups.push(scratch.drop);
    database = await openDatabase({ databaseUrl: scratch.url });
  } else {
    // The run's migrated dump, loaded into a fresh in-memory instance.
    database = await openTestDatabase();
  }
  cleanups.push(() => database.close());
  await migrate(database, dir);
  return { database, dir };
}

const recorded = async (database: Database) =>
  Object.fromEntries(
    (await database.raw('SELECT name, checksum FROM schema_migrations ORDER BY name', [])).rows.map((r) => [r.name, r.checksum]),
  );

const expectRefused = async (run: Promise<unknown>, file: string) => {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MigrationChecksumError);
  const message = (err as Error).message;
  expect(message).toContain(`Migration ${file} was edited after it was applied`);
  expect(message).toContain('Migrations are forward-only: restore the file and add a new migration.');
  console.log(`[migrate] refused: ${message}`);
};

describe('migration checksums', () => {
  it('records the SHA-256 of every applied file', { timeout: 60_000 }, async () => {
    const { database, dir } = await migratedCopy();
    const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
    const rows = await recorded(database);
    expect(Object.keys(rows)).toEqual(files);
    for (const f of files) {
      expect(rows[f]).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[f]).toBe(migrationChecksum(readFileSync(join(dir, f), 'utf8')));
    }
    expect(await migrate(database, dir)).toEqual([]);
  });

  it('stops start-up on an applied file that was edited, before applying anything new', { timeout: 60_000 }, async () => {
    const { database, dir } = await migratedCopy();
    appendFileSync(join(dir, '0410_contact_attributes.sql'), '\nALTER TABLE contact_attributes ADD COLUMN sneaky text;\n');
    writeFileSync(join(dir, '9999_new.sql'), 'CREATE TABLE should_not_exist (id int);\n');
    await expectRefused(migrate(database, dir), '0410_contact_attributes.sql');
    const { rows } = await database.raw(`SELECT to_regclass('should_not_exist') AS t`, []);
    expect(rows[0]!.t).toBeNull();
    expect(Object.keys(await recorded(database))).not.toContain('9999_new.sql');
    // Restoring the file lets it start again, and the new migration then runs.
    cpSync(join(MIGRATIONS_DIR, '0410_contact_attributes.sql'), join(dir, '0410_contact_attributes.sql'));
    expect(await migrate(database, dir)).toEqual(['9999_new.sql']);
  });

  it('ignores line endings and a byte-order mark (a Windows checkout), nothing else', { timeout: 60_000 }, async () => {
    const { database, dir } = await migratedCopy();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql'))) {
      const body = readFileSync(join(dir, f), 'utf8');
      writeFileSync(join(dir, f), `\uFEFF${body.replace(/\n/g, '\r\n')}`);
    }
    expect(await migrate(database, dir)).toEqual([]);
    // A whitespace-only edit is still an edit.
    appendFileSync(join(dir, '0001_foundation.sql'), ' ');
    await expectRefused(migrate(database, dir), '0001_foundation.sql');
  });

  it('brings a database from before checksums up to date, trusting its files once', { timeout: 60_000 }, async () => {
    const { database, dir } = await migratedCopy();
    await database.raw('ALTER TABLE schema_migrations DROP COLUMN checksum');
    expect(await migrate(database, dir)).toEqual([]);
    const rows = await recorded(database);
    expect(Object.values(rows).every((c) => typeof c === 'string' && /^[0-9a-f]{64}$/.test(c))).toBe(true);
    expect(Object.keys(rows).length).toBe(readdirSync(dir).filter((f) => f.endsWith('.sql')).length);
    // From then on an edit is caught.
    appendFileSync(join(dir, '0600_rate_limits.sql'), '\n-- changed\n');
    await expectRefused(migrate(database, dir), '0600_rate_limits.sql');
  });
});

describe('start-up', () => {
  it('a real `serve` refuses to start on an edited migration and says which', { timeout: 120_000 }, async () => {
    const backend = await isolatedBackend('vixiees_checksum');
    cleanups.push(() => backend.cleanup());
    const dataDir = backend.env.VIXIEES_DATA_DIR;
    const database = await openAndMigrate(testConfig(dataDir ? { databaseUrl: undefined, dataDir } : { databaseUrl: backend.env.DATABASE_URL }));
    // What the database recorded no longer matches the file: the same as the file edited after it ran.
    await database.raw(`UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE name = '0410_contact_attributes.sql'`, []);
    await database.close();
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'main.ts'), 'serve'], {
      env: { ...process.env, ...backend.env, PORT: '0', LOG_LEVEL: 'info' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(1);
    expect(output).toContain('Migration 0410_contact_attributes.sql was edited after it was applied');
    expect(output).not.toContain('Vixiees is ready');
    console.log(`[migrate] serve exited ${run.status}; stderr begins:\n${run.stderr.split('\n').slice(0, 4).join('\n')}`);
  });
});
