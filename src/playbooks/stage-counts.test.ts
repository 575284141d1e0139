import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { systemActor } from '../lib/actor.ts';
import { uuidv7 } from '../lib/ids.ts';
import { transactionRetries } from '../lib/transaction-retry.ts';

/**
 * The board's counters (day rows and per-stage totals, migrations 0420–0422 and 1300) are hot
 * rows. On PostgreSQL (real concurrency) concurrent batches and opposite moves must neither
 * deadlock nor drift from a full count; on PGlite the same checks run one statement at a time.
 */
let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(() => t.close());

const drift = async () => {
  const counted = await t.database.raw(
    `SELECT stage_id::text, count(*)::int AS n FROM contacts WHERE workspace_id = $1 AND stage_id IS NOT NULL AND deleted_at IS NULL GROUP BY 1 ORDER BY 1`,
    [ws.id],
  );
  const kept = await t.database.raw(`SELECT stage_id::text, sum(n)::int AS n FROM playbook_stage_day_counts WHERE workspace_id = $1 GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1`, [ws.id]);
  const totals = await t.database.raw(`SELECT stage_id::text, n FROM playbook_stage_counts WHERE workspace_id = $1 AND n <> 0 ORDER BY 1`, [ws.id]);
  return { counted: counted.rows, kept: kept.rows, totals: totals.rows };
};

describe(`stage day counters under concurrency (${backend()})`, () => {
  it('concurrent batch inserts across the same stages and days neither deadlock nor drift', async () => {
    const p = (await ws.req('POST', '/v1/playbooks', { name: 'Batches', stages: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] })).body;
    const stages: string[] = p.stages.map((s: { id: string }) => s.id);
    const days = ['2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z', '2026-11-03T10:00:00Z'];
    const batch = (k: number) => {
      const rows: string[] = [];
      for (let i = 0; i < 150; i++) {
        // Odd batches walk the buckets backwards: opposite lock orders if taken row by row.
        const j = k % 2 ? 149 - i : i;
        rows.push(`('${ws.id}', '${uuidv7()}', 'api', now(), now(), '${p.id}', '${stages[j % 3]}', '${days[Math.floor(j / 50)]}')`);
      }
      return t.database.raw(`INSERT INTO contacts (workspace_id, id, source, created_at, updated_at, playbook_id, stage_id, stage_entered_at) VALUES ${rows.join(',')}`, []);
    };
    await Promise.all(Array.from({ length: 8 }, (_, k) => batch(k)));
    const { counted, kept, totals } = await drift();
    expect(kept).toEqual(counted);
    expect(totals).toEqual(counted);
    expect(counted.reduce((s, r) => s + Number(r.n), 0)).toBe(8 * 150);
  });

  it('opposite moves at the same moment neither deadlock nor drift', async () => {
    const p = (await ws.req('POST', '/v1/playbooks', { name: 'Moves', stages: [{ name: 'A' }, { name: 'B' }] })).body;
    const [a, b] = p.stages.map((s: { id: string }) => s.id) as [string, string];
    const actor = systemActor(ws.id);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await t.deps.services.contacts.create(actor, { email: `mover${i}@example.com` });
      await t.deps.services.contactStages.setStage(actor, c.id, { playbookId: p.id, stageId: i % 2 ? a : b });
      ids.push(c.id);
    }
    // Deadlocks would be retried and so hidden: count the retries too.
    const retriesBefore = transactionRetries();
    for (let round = 0; round < 6; round++) {
      await Promise.all(ids.map((id, i) => t.deps.services.contactStages.setStage(actor, id, { playbookId: p.id, stageId: (i + round) % 2 ? b : a })));
    }
    expect(transactionRetries() - retriesBefore).toBe(0);
    const { counted, kept, totals } = await drift();
    expect(kept).toEqual(counted);
    expect(totals).toEqual(counted);
    // Not vacuous: the ten movers end five and five.
    expect(counted.filter((r) => r.stage_id === a || r.stage_id === b).map((r) => Number(r.n))).toEqual([5, 5]);
  });
});
