import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows, type Db } from '../lib/db.ts';
import { uuidv7 } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { listStageRows, stageCountsSql } from './playbooks.repo.ts';

/**
 * Issue 12: under row-level security only leakproof clauses may become index conditions ahead of
 * the policy. The board's stale count must reach the contacts_stage index with its
 * stage_entered_at range (an Index Cond), not filter each stage's whole range. The plan is read as
 * the tenant role and as the owner, with sequential scans off so that a small table still shows
 * its index use, and the two must read contacts the same way.
 */
let t: TestApp;
let ws: TestWorkspace;
let playbookId: string;
const NOW = new Date('2026-11-24T08:00:00.000Z');

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  const p = (await ws.req('POST', '/v1/playbooks', { name: 'Plan', stages: [{ name: 'A', staleAfterDays: 3 }, { name: 'B', staleAfterDays: 10 }, { name: 'C' }] })).body;
  playbookId = p.id;
  const stages: string[] = p.stages.map((s: { id: string }) => s.id);
  const rows: string[] = [];
  for (let i = 0; i < 300; i++) {
    const entered = new Date(NOW.getTime() - i * 3_600_000 * 2).toISOString();
    rows.push(`('${ws.id}', '${uuidv7()}', 'api', now(), now(), '${playbookId}', '${stages[i % 3]}', '${entered}')`);
  }
  await t.database.raw(`INSERT INTO contacts (workspace_id, id, source, created_at, updated_at, playbook_id, stage_id, stage_entered_at) VALUES ${rows.join(',')}`, []);
  await t.database.raw('ANALYZE contacts', []);
});
afterAll(() => t.close());

type PlanNode = { 'Relation Name'?: string; 'Index Name'?: string; 'Index Cond'?: string; Filter?: string; Plans?: PlanNode[] };
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/** How a plan reads `contacts`: per node, the index and whether the stage_entered_at range is an index condition or a filter. */
const shape = (onContacts: PlanNode[]) =>
  onContacts.map((n) => ({
    index: n['Index Name'] ?? null,
    rangeInIndex: /stage_entered_at >=/.test(n['Index Cond'] ?? '') && /stage_entered_at </.test(n['Index Cond'] ?? ''),
    rangeFiltered: /stage_entered_at/.test(n.Filter ?? ''),
  }));

/** The plan's nodes on `contacts`, with sequential scans off, read in one transaction of `db`. */
async function contactsNodes(db: Db, query: SQL): Promise<{ role: string; onContacts: PlanNode[] }> {
  return db.transaction(async (tx) => {
    const [who] = await queryRows<{ role: string }>(tx, sql`SELECT current_user AS role`);
    await tx.execute(sql`SET LOCAL enable_seqscan = off`);
    const [row] = await queryRows<{ 'QUERY PLAN': unknown }>(tx, sql`EXPLAIN (FORMAT JSON) ${query}`);
    const raw = row!['QUERY PLAN'];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
    return { role: who!.role, onContacts: nodes(plan[0].Plan).filter((n) => n['Relation Name'] === 'contacts') };
  });
}

describe(`board stale count under row-level security (${backend()})`, () => {
  it('reads contacts as the tenant exactly as the owner does: the stage_entered_at range stays an index condition', async () => {
    const stages = await inWorkspace(ws.id, () => listStageRows(t.database.db, ws.id, [playbookId]));
    const query = stageCountsSql(ws.id, playbookId, NOW, stages)!;
    const tenant = await inWorkspace(ws.id, () => contactsNodes(t.database.db, query));
    const owner = await contactsNodes(t.database.systemDb, query);
    expect(tenant.role).toBe('vixiees_app');
    expect(tenant.onContacts.length).toBeGreaterThan(0);
    // Which index the planner picks depends on the table's statistics (other files share it on
    // PostgreSQL); what row-level security must not change is how the chosen index is used.
    // With the cutoffs computed in SQL from the stage row (not leakproof), the tenant's plan
    // turned the range into a filter over the whole stage while the owner's kept it in the index.
    expect(shape(tenant.onContacts)).toEqual(shape(owner.onContacts));
    for (const n of shape(tenant.onContacts)) if (n.index === 'contacts_stage') expect(n).toMatchObject({ rangeInIndex: true, rangeFiltered: false });
  });
});
