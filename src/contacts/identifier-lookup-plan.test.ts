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
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(() => t.close());

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
});
