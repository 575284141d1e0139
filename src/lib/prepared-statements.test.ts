import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from './db.ts';
import { hotStatementName, preparingHotReads } from './prepared-statements.ts';
import { inWorkspace } from './tenant-scope.ts';

describe('naming hot reads', () => {
  it('names a read with parameters from its second use on, by its text', () => {
    const text = `SELECT 1 WHERE $1::int = 1 -- ${Math.random()}`;
    expect(hotStatementName(text)).toBeUndefined();
    const name = hotStatementName(text);
    expect(name).toMatch(/^v_[0-9a-f]{24}$/);
    expect(hotStatementName(text)).toBe(name);
    expect(hotStatementName(`${text} `)).toBeUndefined();
    expect(hotStatementName(`${text} `)).not.toBe(name);
  });

  it('never names a lookup by a list of parameters (a batch: planned afresh for its own length)', () => {
    const text = `select "id" from "t" where ("t"."workspace_id" = $1 and "t"."id" in ($2, $3)) -- ${Math.random()}`;
    for (let i = 0; i < 3; i++) expect(hotStatementName(text)).toBeUndefined();
  });

  it('never names a read by an array of ids (planned with the list, so its length is known and it is hashed)', () => {
    const text = `select "id" from "contacts" where ("contacts"."workspace_id" = $1 and contacts.id = ANY($2::uuid[])) -- ${Math.random()}`;
    for (let i = 0; i < 3; i++) expect(hotStatementName(text)).toBeUndefined();
    const plain = `select "id" from "contacts" where "contacts"."owner_id" = ANY($2::text[]) -- ${Math.random()}`;
    hotStatementName(plain);
    expect(hotStatementName(plain)).toMatch(/^v_/);
  });

  it('leaves writes, statements without parameters and named queries as they came', async () => {
    const sent: unknown[][] = [];
    const query = preparingHotReads(async (...args) => sent.push(args));
    const insert = { text: `INSERT INTO t VALUES ($1) -- ${Math.random()}` };
    const bare = { text: `SELECT now() -- ${Math.random()}` };
    const mine = { text: `SELECT $1::int -- ${Math.random()}`, name: 'mine' };
    const read = { text: `SELECT $1::int -- ${Math.random()}`, rowMode: 'array' };
    for (let i = 0; i < 2; i++) {
      await query(insert, [1]);
      await query(bare, []);
      await query(mine, [1]);
      await query(read, [1]);
    }
    expect(sent.slice(4, 7)).toEqual([[insert, [1]], [bare, []], [mine, [1]]]);
    expect(sent[3]).toEqual([read, [1]]);
    expect(sent[7]).toEqual([{ ...read, name: hotStatementName(read.text) }, [1]]);
  });
});

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(() => t.close());

describe('tenant connections', () => {
  it('prepare a repeated read once on PostgreSQL, and it still sees only its workspace', async () => {
    const created = await ws.req('POST', '/v1/contacts', { firstName: 'Prepared', email: `prepared-${Date.now()}@example.test` });
    expect(created.status).toBe(201);
    const found = await inWorkspace(ws.id, () =>
      t.database.db.transaction(async (tx) => {
        const runs = [];
        for (let i = 0; i < 3; i++) runs.push((await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM contacts WHERE created_at < ${'infinity'}::timestamptz AND ${1} > 0`))[0]!.n);
        const prepared = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE ${'%FROM contacts WHERE created_at < $1::timestamptz AND $2 > 0'}`);
        return { runs, prepared: prepared[0]!.n };
      }),
    );
    // One contact in this workspace: row-level security still applies to the prepared plan.
    expect(found.runs).toEqual([1, 1, 1]);
    // PGlite has no named statements through its query(): every statement is parsed as before.
    expect(found.prepared).toBe(t.database.kind === 'postgres' ? 1 : 0);
  });
});
