import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/lib/db.ts';
import { migrate } from '../src/lib/migrate.ts';
import { createScratchDatabase } from '../src/lib/scratch-database.ts';

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
    const { url, drop } = await createScratchDatabase(serverUrl, 'vixiees_test');
    const database = await openDatabase({ databaseUrl: url });
    await migrate(database);
    await database.close();
    project.provide('testDatabaseUrl', url);
    project.provide('pgliteDumpPath', null);
    return drop;
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
