import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from './db.ts';
import type { Db } from './db-types.ts';
import { APP_ROLE, TenantPool } from './tenant-connection.ts';
import { inWorkspace } from './tenant-scope.ts';

/**
 * A pooled connection keeps the workspace it was last set to (a session setting, so that a read is
 * one round trip): these tests alternate two workspaces, and no workspace, on ONE connection and
 * check that each statement sees its own caller's rows only — after plain reads, prepared reads,
 * a failed statement, committed and rolled-back transactions. On PostgreSQL the pool has one
 * connection; PGlite has only one anyway.
 */
let t: TestApp;
let a: TestWorkspace;
let b: TestWorkspace;
let pool: TenantPool | undefined;
let db: Db;

beforeAll(async () => {
  t = await startTestApp();
  a = await t.workspace();
  b = await t.workspace();
  for (const [w, n] of [[a, 1], [b, 2]] as const) {
    for (let i = 0; i < n; i++) expect((await w.req('POST', '/v1/contacts', { firstName: `C${i}`, email: `c${i}@${w.id}.example` })).status).toBe(201);
  }
  const url = inject('testDatabaseUrl');
  if (url) {
    pool = new TenantPool({ connectionString: url, max: 1 }, APP_ROLE);
    db = drizzlePg(pool) as unknown as Db;
  } else {
    db = t.database.db;
  }
});
afterAll(async () => {
  await pool?.end();
  await t.close();
});

type Seen = { n: number; workspace: string | null };
const since = new Date('2000-01-01T00:00:00Z');
/** What a statement sees: the contacts row-level security lets through and the workspace setting. */
const seen = async (on: Db = db): Promise<Seen> =>
  (await queryRows<Seen>(on, sql`SELECT count(*)::int AS n, nullif(current_setting('app.workspace_id', true), '') AS workspace FROM contacts WHERE created_at > ${since}`))[0]!;
const as = <T>(workspace: TestWorkspace | null, fn: () => Promise<T>) => (workspace ? inWorkspace(workspace.id, fn) : fn());
const expected = (w: TestWorkspace | null): Seen => (w === a ? { n: 1, workspace: a.id } : w === b ? { n: 2, workspace: b.id } : { n: 0, workspace: null });

describe('tenant connection: one connection, alternating workspaces', () => {
  it('each statement sees its own workspace, over and over (the read is prepared from its second use)', async () => {
    for (const w of [a, b, a, a, null, b, b, null, a, b]) expect(await as(w, () => seen())).toEqual(expected(w));
  });

  it('a failed statement leaves nothing for the next caller', async () => {
    await expect(as(a, () => queryRows(db, sql`SELECT 1 / (count(*) - count(*)) FROM contacts`))).rejects.toThrow();
    expect(await as(b, () => seen())).toEqual(expected(b));
    expect(await as(null, () => seen())).toEqual(expected(null));
  });

  it('transactions, committed or rolled back, see their own workspace and leave the next statement to its own', async () => {
    const inside = await as(a, () => db.transaction((tx) => seen(tx as unknown as Db)));
    expect(inside).toEqual(expected(a));
    expect(await as(b, () => seen())).toEqual(expected(b));
    await expect(
      as(b, () =>
        db.transaction(async (tx) => {
          expect(await seen(tx as unknown as Db)).toEqual(expected(b));
          throw new Error('roll back');
        }),
      ),
    ).rejects.toThrow('roll back');
    expect(await as(a, () => seen())).toEqual(expected(a));
    expect(await as(null, () => seen())).toEqual(expected(null));
    expect(await as(b, () => db.transaction((tx) => seen(tx as unknown as Db)))).toEqual(expected(b));
    expect(await as(null, () => db.transaction((tx) => seen(tx as unknown as Db)))).toEqual(expected(null));
  });

  it('concurrent callers of both workspaces, queued for the one connection, each see their own', async () => {
    const callers = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? a : i % 3 === 1 ? b : null));
    const results = await Promise.all(callers.map((w) => as(w, () => seen())));
    expect(results).toEqual(callers.map(expected));
  });
});
