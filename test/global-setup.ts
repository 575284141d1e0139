import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/lib/db.ts';
import { migrate } from '../src/lib/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL: URL of a fresh database made for this run. */
    testDatabaseUrl: string | null;
    /** PGlite: a migrated data dir each test file loads instead of migrating again. */
    pgliteDumpPath: string | null;
  }
}

/**
 * Prepares the database once per run. With DATABASE_URL, a fresh database on that server (so
 * parallel runs never share state) with migrations applied; without it, a migrated PGlite
 * data dir dumped to a file.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `vixiees_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ databaseUrl: url.toString() });
    await migrate(database);
    await database.close();
    project.provide('testDatabaseUrl', url.toString());
    project.provide('pgliteDumpPath', null);
    return async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const database = await openDatabase({ inMemory: true });
  await migrate(database);
  const dump = await database.pglite!.dumpDataDir('none');
  const path = join(tmpdir(), `vixiees-test-${process.pid}-${Date.now()}.tar`);
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('testDatabaseUrl', null);
  project.provide('pgliteDumpPath', path);
  return undefined;
}
