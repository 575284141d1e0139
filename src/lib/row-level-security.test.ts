import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from './db.ts';
import { sqlStateOf } from './pg-errors.ts';
import { inWorkspace } from './tenant-scope.ts';

/**
 * Row-level security, checked in the database itself: the queries below deliberately leave out
 * their workspace condition, which the application never does, to show what the second wall
 * holds on its own. They run through `database.db`, as every request, job and CLI command does.
 */
let t: TestApp;
let a: TestWorkspace;
let b: TestWorkspace;
let contactOfB: string;

beforeAll(async () => {
  t = await startTestApp();
  a = await t.workspace();
  b = await t.workspace();
  expect((await a.req('POST', '/v1/contacts', { firstName: 'Ana', email: 'ana@a.example' })).status).toBe(201);
  const created = await b.req('POST', '/v1/contacts', { firstName: 'Bea', email: 'bea@b.example' });
  expect(created.status).toBe(201);
  contactOfB = created.body.id;
});
afterAll(() => t.close());

const db = () => t.database.db;
const count = async (table: string) => (await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`))[0]!.n;

describe('row-level security', () => {
  it('is enabled and forced, with a policy, on every table that has a workspace_id', async () => {
    const { rows } = await t.database.raw(
      `SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
              EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid) AS has_policy
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r'
         AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped) OR c.relname = 'workspaces')
       ORDER BY 1`,
      [],
    );
    expect(rows.length).toBeGreaterThan(25);
    const unprotected = rows.filter((r) => !r.enabled || !r.forced || !r.has_policy).map((r) => r.name);
    expect(unprotected).toEqual([]);
  });

  it('runs tenant work as an ordinary role that cannot bypass it', async () => {
    const [who] = await inWorkspace(a.id, () =>
      queryRows<{ user: string; super: boolean; bypass: boolean; workspace: string }>(
        db(),
        sql`SELECT current_user AS user, r.rolsuper AS super, r.rolbypassrls AS bypass, current_setting('app.workspace_id') AS workspace
            FROM pg_roles r WHERE r.rolname = current_user`,
      ),
    );
    expect(who).toEqual({ user: 'vixiees_app', super: false, bypass: false, workspace: a.id });
  });

  it('shows no tenant rows and takes no writes when no workspace is set', async () => {
    // A scoped transaction before leaves nothing behind on the (pooled or only) connection.
    await inWorkspace(a.id, () => count('contacts'));
    const [left] = await queryRows<{ w: string }>(db(), sql`SELECT coalesce(current_setting('app.workspace_id', true), '') AS w`);
    expect(left!.w).toBe('');
    expect(await count('contacts')).toBe(0);
    expect(await count('workspaces')).toBe(0);
    expect(await count('api_keys')).toBe(0);
    const insert = queryRows(db(), sql`INSERT INTO contacts (workspace_id, id, first_name, created_at, updated_at) VALUES (${a.id}, gen_random_uuid(), 'Ghost', now(), now())`);
    await expect(insert).rejects.toSatisfy((err) => sqlStateOf(err) === '42501');
    // The owner still sees everything: the rows exist, they are only hidden.
    const [all] = await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM contacts WHERE workspace_id IN (${a.id}, ${b.id})`);
    expect(all!.n).toBe(2);
  });

  it('holds a query that forgets its workspace condition to the current workspace', async () => {
    const names = await inWorkspace(a.id, () => queryRows<{ first_name: string }>(db(), sql`SELECT first_name FROM contacts`));
    expect(names.map((r) => r.first_name)).toEqual(['Ana']);
    const workspaces = await inWorkspace(a.id, () => queryRows<{ id: string }>(db(), sql`SELECT id FROM workspaces`));
    expect(workspaces.map((r) => r.id)).toEqual([a.id]);
  });

  it("lets no workspace read, change, delete or create another's rows", async () => {
    await inWorkspace(a.id, async () => {
      expect(await queryRows(db(), sql`SELECT id FROM contacts WHERE id = ${contactOfB}`)).toEqual([]);
      expect(await queryRows(db(), sql`UPDATE contacts SET first_name = 'Hacked' WHERE id = ${contactOfB} RETURNING id`)).toEqual([]);
      expect(await queryRows(db(), sql`DELETE FROM contact_identifiers WHERE contact_id = ${contactOfB} RETURNING contact_id`)).toEqual([]);
      const planted = queryRows(db(), sql`INSERT INTO contacts (workspace_id, id, first_name, created_at, updated_at) VALUES (${b.id}, gen_random_uuid(), 'Planted', now(), now())`);
      await expect(planted).rejects.toSatisfy((err) => sqlStateOf(err) === '42501');
      // Moving a row of one's own into the other workspace is refused as well.
      const moved = queryRows(db(), sql`UPDATE contacts SET workspace_id = ${b.id} WHERE first_name = 'Ana'`);
      await expect(moved).rejects.toSatisfy((err) => sqlStateOf(err) === '42501');
    });
    const seenByB = await b.req('GET', `/v1/contacts/${contactOfB}`);
    expect(seenByB.status).toBe(200);
    expect(seenByB.body.firstName).toBe('Bea');
    const identifiers = await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM contact_identifiers WHERE contact_id = ${contactOfB}`);
    expect(identifiers[0]!.n).toBeGreaterThan(0);
  });

  it('scopes each transaction on its own: concurrent work for two workspaces never mixes', async () => {
    const seen = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const ws = i % 2 ? a : b;
        return inWorkspace(ws.id, () => db().transaction(async (tx) => ({ ws: ws.id, names: (await queryRows<{ first_name: string }>(tx, sql`SELECT first_name FROM contacts`)).map((r) => r.first_name) })));
      }),
    );
    for (const s of seen) expect(s.names).toEqual([s.ws === a.id ? 'Ana' : 'Bea']);
  });
});

describe('no tenant bleed through pooled connections or async context (R11)', () => {
  it('answers 400 interleaved requests of two workspaces, 50 in flight, each with only its own rows', async () => {
    const results: { ws: string; names: string[] }[] = [];
    const queue = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? a : b));
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let ws = queue.pop(); ws; ws = queue.pop()) {
          const res = await ws.req('GET', '/v1/contacts?limit=10');
          expect(res.status).toBe(200);
          results.push({ ws: ws.id, names: res.body.data.map((c: { firstName: string }) => c.firstName) });
        }
      }),
    );
    expect(results).toHaveLength(400);
    const wrong = results.filter((r) => r.names.join() !== (r.ws === a.id ? 'Ana' : 'Bea'));
    expect(wrong).toEqual([]);
  });

  it('leaves no workspace behind after a request that failed inside its transaction', async () => {
    const clash = await a.req('POST', '/v1/contacts', { firstName: 'Twin', email: 'ana@a.example' });
    expect(clash.status).toBe(409);
    expect(await count('contacts')).toBe(0);
  });
});

describe('the switch the isolation test uses', () => {
  let owner: TestApp;
  beforeAll(async () => {
    owner = await startTestApp({ rowLevelSecurity: false });
  });
  afterAll(() => owner.close());

  it('rowLevelSecurity: false runs tenant work as the owner, whom the policies do not hold', async () => {
    const one = await owner.workspace();
    const two = await owner.workspace();
    for (const ws of [one, two]) expect((await ws.req('POST', '/v1/contacts', { firstName: 'Owner test', email: `owner-${ws.id}@example.com` })).status).toBe(201);
    const rows = await queryRows<{ n: number; user: string }>(owner.database.db, sql`SELECT count(*)::int AS n, current_user AS user FROM contacts WHERE workspace_id IN (${one.id}, ${two.id})`);
    expect(rows[0]!.user).not.toBe('vixiees_app');
    expect(rows[0]!.n).toBe(2);
  });
});
