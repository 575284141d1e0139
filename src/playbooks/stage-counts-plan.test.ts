import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from '../lib/db.ts';
import { uuidv7 } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { listStageRows, stageCountsSql } from './playbooks.repo.ts';

/**
 * Issue 12: under row-level security only leakproof clauses may become index conditions ahead of
 * the policy. The board's stale count must reach the contacts_stage index with its
 * stage_entered_at range (an Index Cond), not filter each stage's whole range. The plan is read as
 * the tenant role, with sequential scans off so that a small table still shows its index use.
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

type PlanNode = { 'Relation Name'?: string; 'Index Cond'?: string; Filter?: string; Plans?: PlanNode[] };
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/** The plan's nodes on `contacts`, read as the tenant role inside the workspace's transaction. */
async function contactsNodes(query: SQL): Promise<{ role: string; onContacts: PlanNode[] }> {
  return inWorkspace(ws.id, () =>
    t.database.db.transaction(async (tx) => {
      const [who] = await queryRows<{ role: string }>(tx, sql`SELECT current_user AS role`);
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      const [row] = await queryRows<{ 'QUERY PLAN': unknown }>(tx, sql`EXPLAIN (FORMAT JSON) ${query}`);
      const raw = row!['QUERY PLAN'];
      const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
      return { role: who!.role, onContacts: nodes(plan[0].Plan).filter((n) => n['Relation Name'] === 'contacts') };
    }),
  );
}

describe(`board stale count under row-level security (${backend()})`, () => {
  it('walks contacts_stage with the stage_entered_at range as an index condition', async () => {
    const stages = await inWorkspace(ws.id, () => listStageRows(t.database.db, ws.id, [playbookId]));
    const { role, onContacts } = await contactsNodes(stageCountsSql(ws.id, playbookId, NOW, stages)!);
    expect(role).toBe('vixiees_app');
    expect(onContacts.length).toBeGreaterThan(0);
    for (const n of onContacts) {
      expect(n['Index Cond']).toMatch(/stage_entered_at >=/);
      expect(n['Index Cond']).toMatch(/stage_entered_at </);
      expect(n.Filter ?? '').not.toMatch(/stage_entered_at/);
    }
  });
});
