import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { identifierHoldersQuery } from './batch.repo.ts';

/**
 * The batch writer's identifier lookup is a primary-key probe per key even in the generic plan a
 * pooled connection caches while the workspace is still empty. As a join, that cached plan read
 * every identifier of the workspace for each batch, and kept doing so as the workspace grew.
 */
let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  // A database of its own: the statistics the second test sets up must be this file's alone.
  t = await startTestApp({ ownDatabase: true });
  ws = await t.workspace();
});
afterAll(() => t.close());

/** `count` contacts with an email identifier each, written set-based as the owner (test setup only). */
async function seedIdentifiers(workspaceId: string, count: number, tag: string) {
  await t.database.raw(`INSERT INTO contacts (workspace_id, id, first_name, last_name, email, source, created_at, updated_at)
    SELECT $1::uuid, gen_random_uuid(), 'Ana', 'García', '${tag}' || g || '@ejemplo.es', 'api', now(), now() FROM generate_series(1, ${count}) g`, [workspaceId]);
  await t.database.raw(`INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
    SELECT workspace_id, 'email', email, id FROM contacts WHERE workspace_id = $1::uuid AND email LIKE '${tag}%'`, [workspaceId]);
}

/** The plan of the lookup for these keys, as the app's role would run it in the workspace. */
async function lookupPlan(workspaceId: string, keys: { kind: string; value: string }[]): Promise<string> {
  const q = new PgDialect().sqlToQuery(identifierHoldersQuery(workspaceId, keys));
  const { rows } = await t.database.raw(`EXPLAIN ${q.sql.replace('$1', `'${workspaceId}'`).replace('$2', `'${String(q.params[1]).replace(/'/g, "''")}'`)}`, []);
  return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
}

describe('the batch writer’s identifier lookup', () => {
  it('probes the identifiers’ primary key by workspace, kind and value in its generic plan', async () => {
    const keys = [{ kind: 'email', value: 'ana@ejemplo.es' }, { kind: 'phone', value: '+34612345678' }];
    const q = new PgDialect().sqlToQuery(identifierHoldersQuery(ws.id, keys));
    expect(q.params).toHaveLength(2);
    const name = `holders_${Date.now()}`;
    const plan = await t.database.session(async (raw) => {
      await raw(`PREPARE ${name} (uuid, text) AS ${q.sql}`, []);
      try {
        await raw(`SET plan_cache_mode = force_generic_plan`, []);
        const { rows } = await raw(`EXPLAIN EXECUTE ${name} ('${ws.id}', '${String(q.params[1]).replace(/'/g, "''")}')`, []);
        return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
      } finally {
        await raw(`RESET plan_cache_mode`, []);
        await raw(`DEALLOCATE ${name}`, []);
      }
    });
    expect(plan).toContain('contact_identifiers_pkey');
    expect(plan).toMatch(/Index Cond: \(\(workspace_id = .*\) AND \(kind = k\.kind\) AND \(value = k\.value\)\)/);
    expect(plan).not.toMatch(/Hash Join|Merge Join|Seq Scan on contact_identifiers/);
  });

  it('keeps to the primary key for a workspace the statistics do not know yet', async () => {
    // A big workspace the statistics know, and a new one that has grown since the last ANALYZE
    // (a first import into a database that holds others). To the planner the new workspace looks
    // like one row, so an index led by the workspace alone looked as good as the primary key, and
    // each probe read the whole workspace (21 s for 2,000 keys at 40,000 identifiers).
    const big = await t.workspace();
    await seedIdentifiers(big.id, 5000, 'big');
    await t.database.raw('ANALYZE contact_identifiers', []);
    const fresh = await t.workspace();
    await seedIdentifiers(fresh.id, 3000, 'new');
    const keys = Array.from({ length: 200 }, (_, i) => ({ kind: 'email', value: `new${i + 1}@ejemplo.es` }));
    const plan = await lookupPlan(fresh.id, keys);
    expect(plan).toContain('contact_identifiers_pkey');
    expect(plan).toMatch(/Index Cond: \(\(workspace_id = .*\) AND \(kind = k\.kind\) AND \(value = k\.value\)\)/);
    expect(plan).not.toMatch(/contact_identifiers_contact|Seq Scan on contact_identifiers/);
  });
});
