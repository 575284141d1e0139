import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from '../lib/db.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { jobHandlers } from '../workers.ts';
import { ATTRIBUTE_INDEX_TOPIC } from './attributes.service.ts';

/**
 * A range on a number attribute, run as the app's role under row-level security, reaches the
 * attribute's own index as an index condition (migration 1340 marks jsonb's `->` and comparisons
 * leakproof); before, the policy kept it a filter over every contact of the workspace. Sequential
 * scans are off in the transaction so the plan shows what the index may be used for, whatever the
 * table's size.
 */
let t: TestApp;
let ws: TestWorkspace;
const key = `budget_${randomBytes(5).toString('hex')}`;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  expect((await ws.req('POST', '/v1/contact-attributes', { key, label: 'Presupuesto', type: 'number' })).status).toBe(201);
  const { rows } = await t.database.raw(`SELECT payload FROM outbox WHERE topic = $1 AND payload->>'key' = $2`, [ATTRIBUTE_INDEX_TOPIC, key]);
  const payload = rows[0]!.payload as { key: string; workspaceId: string };
  await inWorkspace(ws.id, () => jobHandlers(t.deps)[ATTRIBUTE_INDEX_TOPIC]!.run(payload, { id: 'index-job', retryCount: 0, lastAttempt: false }));
  for (const budget of [15_000, 25_000, 35_000]) {
    expect((await ws.req('POST', '/v1/contacts', { email: `${key}-${budget}@example.es`, customAttributes: { [key]: budget } })).status).toBe(201);
  }
});
afterAll(() => t.close());

describe('custom attribute ranges under row-level security', () => {
  it('are index conditions on the attribute index, and still see only the workspace', async () => {
    const { plan, found } = await inWorkspace(ws.id, () =>
      t.database.db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL enable_seqscan = off`);
        // The key as a literal, as the app's filter writes it (the index is on that expression).
        const attr = sql.raw(`custom_attributes -> '${key}'`);
        const range = sql`FROM contacts WHERE workspace_id = ${ws.id}::uuid AND deleted_at IS NULL
          AND ${attr} BETWEEN '20000'::jsonb AND '30000'::jsonb AND ${attr} IS NOT NULL`;
        const explained = await queryRows<{ 'QUERY PLAN': string }>(tx, sql`EXPLAIN SELECT id ${range} ORDER BY ${attr}, id`);
        const rows = await queryRows<{ email: string }>(tx, sql`SELECT email ${range}`);
        return { plan: explained.map((r) => r['QUERY PLAN']).join('\n'), found: rows.map((r) => r.email) };
      }),
    );
    expect(found).toEqual([`${key}-25000@example.es`]);
    const indexCond = plan.split('\n').filter((line) => line.includes('Index Cond')).join('\n');
    expect(indexCond, plan).toContain(`'${key}'::text) >= '20000'::jsonb`);
    expect(indexCond, plan).toContain(`'${key}'::text) <= '30000'::jsonb`);
  });
});
