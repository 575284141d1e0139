import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from '../lib/db.ts';
import { sqlStateOf } from '../lib/pg-errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';

/**
 * An identifier's contact must exist: migration 1330 checks it once per statement instead of the
 * row-by-row foreign key. These are the cases the foreign key refused, refused again.
 */
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let contactId: string;

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  const created = await ws.req('POST', '/v1/contacts', { firstName: 'Lucía', email: `lucia.${uuidv7()}@example.es` });
  expect(created.status).toBe(201);
  contactId = created.body.id;
});
afterAll(() => t.close());

// Awaited inside the scope: Drizzle's query is a lazy thenable that would otherwise run (with no
// workspace set) only when awaited outside it.
const inTenant = <T>(workspaceId: string, fn: () => Promise<T>) => inWorkspace(workspaceId, async () => await fn());
const failure = async (work: () => Promise<unknown>) => {
  try {
    await work();
  } catch (err) {
    return sqlStateOf(err);
  }
  return 'no error';
};
const identifiersOf = (id: string) =>
  inTenant(ws.id, () => queryRows<{ kind: string }>(t.database.db, sql`SELECT kind FROM contact_identifiers WHERE contact_id = ${id}::uuid ORDER BY kind`));

describe('identifier → contact rule (per statement)', () => {
  it('refuses an identifier of a contact that does not exist, and stores nothing', async () => {
    const ghost = uuidv7();
    const state = await failure(() => inTenant(ws.id, () => t.database.db.execute(sql`
      INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
      VALUES (${ws.id}::uuid, 'email', ${`a.${ghost}@example.es`}, ${contactId}::uuid), (${ws.id}::uuid, 'email', ${`b.${ghost}@example.es`}, ${ghost}::uuid)`)));
    expect(state).toBe('23503');
    const values = await inTenant(ws.id, () => queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM contact_identifiers WHERE value LIKE ${`%${ghost}%`}`));
    expect(values[0]!.n).toBe(0);
  });

  it("refuses an identifier pointing at another workspace's contact", async () => {
    const state = await failure(() => inTenant(other.id, () => t.database.db.execute(sql`
      INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
      VALUES (${other.id}::uuid, 'email', ${`x.${uuidv7()}@example.es`}, ${contactId}::uuid)`)));
    expect(state).toBe('23503');
  });

  it('refuses re-pointing an identifier to a contact that does not exist', async () => {
    const state = await failure(() => inTenant(ws.id, () => t.database.db.execute(sql`
      UPDATE contact_identifiers SET contact_id = ${uuidv7()}::uuid WHERE contact_id = ${contactId}::uuid`)));
    expect(state).toBe('23503');
    expect((await identifiersOf(contactId)).map((r) => r.kind)).toEqual(['email']);
  });

  it('refuses deleting a contact that still holds identifiers', async () => {
    const state = await failure(() => inTenant(ws.id, () => t.database.db.execute(sql`DELETE FROM contacts WHERE id = ${contactId}::uuid`)));
    expect(state).toBe('23503');
    const left = await inTenant(ws.id, () => queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM contacts WHERE id = ${contactId}::uuid`));
    expect(left[0]!.n).toBe(1);
  });

  it('lets a contact without identifiers be deleted (the batch writer giving up a contact it created)', async () => {
    const id = uuidv7();
    await inTenant(ws.id, () => t.database.db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO contacts (workspace_id, id, first_name, source, created_at, updated_at) VALUES (${ws.id}::uuid, ${id}::uuid, 'Tmp', 'api', now(), now())`);
      await tx.execute(sql`DELETE FROM contacts WHERE id = ${id}::uuid`);
    }));
    const left = await inTenant(ws.id, () => queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM contacts WHERE id = ${id}::uuid`));
    expect(left[0]!.n).toBe(0);
  });
});
