import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { systemActor } from '../lib/actor.ts';
import { fixedClock } from '../lib/clock.ts';
import { AppError } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';

/**
 * The board's counters (a running total per stage, migration 1300, and the day rows) against a
 * full count, after random sequences of every write that moves a contact in or out of a stage:
 * batch inserts (statement trigger), moves, removal from the playbook, trash, restore, merge and
 * deletes (row trigger). On PostgreSQL each round's writes run at the same time. After every round
 * the totals, the day rows and the board's count and stale count must equal COUNT(*) over contacts;
 * a running total that missed or doubled a single change fails here.
 */
const clock = fixedClock('2026-11-24T08:00:00.000Z');
const HOUR = 3_600_000;
let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
});
afterAll(() => t.close());

/** mulberry32: a seeded generator, so a failing sequence replays from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Counts = Record<string, number>;
const byKey = (rows: Record<string, unknown>[]): Counts => Object.fromEntries(rows.map((r) => [String(r.k), Number(r.n)]));

/** What the counters say and what counting the contacts says, per stage and per (stage, day). */
async function counters(playbookId: string) {
  const q = async (text: string) => byKey((await t.database.raw(text, [ws.id, playbookId])).rows);
  const live = `FROM contacts WHERE workspace_id = $1 AND playbook_id = $2 AND stage_id IS NOT NULL AND deleted_at IS NULL`;
  return {
    totals: await q(`SELECT stage_id::text AS k, n FROM playbook_stage_counts WHERE workspace_id = $1 AND playbook_id = $2 AND n <> 0`),
    counted: await q(`SELECT stage_id::text AS k, count(*)::int AS n ${live} GROUP BY 1`),
    days: await q(`SELECT stage_id::text || ' ' || day AS k, n FROM playbook_stage_day_counts WHERE workspace_id = $1 AND playbook_id = $2 AND n <> 0`),
    countedDays: await q(`SELECT stage_id::text || ' ' || (stage_entered_at AT TIME ZONE 'UTC')::date AS k, count(*)::int AS n ${live} GROUP BY 1`),
    negative: await q(`SELECT stage_id::text AS k, n FROM playbook_stage_counts WHERE workspace_id = $1 AND playbook_id = $2 AND n < 0`),
  };
}

/** The board's count and stale count per stage, and the same from COUNT(*) with the board's cutoffs. */
async function boardAgainstCount(playbookId: string, stales: Map<string, number | null>) {
  const board = await ws.req('GET', `/v1/playbooks/${playbookId}/board`);
  expect(board.status, board.text).toBe(200);
  const shown: Record<string, [number, number]> = {};
  for (const c of board.body.columns as { stage: { id: string }; count: number; staleCount: number }[]) shown[c.stage.id] = [c.count, c.staleCount];
  const expected: Record<string, [number, number]> = {};
  for (const [stageId, days] of stales) {
    const cutoff = days === null ? null : new Date(clock.now().getTime() - days * 24 * HOUR).toISOString();
    const { rows } = await t.database.raw(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE stage_entered_at < $3::timestamptz)::int AS stale
       FROM contacts WHERE workspace_id = $1 AND stage_id = $2 AND deleted_at IS NULL`,
      [ws.id, stageId, cutoff],
    );
    expected[stageId] = [Number(rows[0]!.n), Number(rows[0]!.stale)];
  }
  return { shown, expected };
}

describe(`stage running totals against a full count (${backend()})`, () => {
  it.each([11, 29, 47])('random writes, seed %i: totals, day rows and the board equal COUNT(*) after every round', async (seed) => {
    const rnd = random(seed);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const actor = systemActor(ws.id);
    const { contacts, contactStages, contactMerge } = t.deps.services;
    const p = (await ws.req('POST', '/v1/playbooks', {
      name: `Property ${seed}`,
      stages: [{ name: 'A', staleAfterDays: 1 }, { name: 'B', staleAfterDays: 3 }, { name: 'C' }, { name: 'D', staleAfterDays: 10 }],
    })).body as { id: string; stages: { id: string; staleAfterDays: number | null }[] };
    const stageIds = p.stages.map((s) => s.id);
    const stales = new Map(p.stages.map((s) => [s.id, s.staleAfterDays]));
    const live = new Set<string>();
    const trashed = new Set<string>();
    const raw = new Set<string>(); // inserted without identifiers: the only ones a test may DELETE

    const insertBatch = async () => {
      const rows: string[] = [];
      for (let i = 0; i < 1 + Math.floor(rnd() * 12); i++) {
        const id = uuidv7();
        const inStage = rnd() < 0.8;
        const entered = new Date(clock.now().getTime() - Math.floor(rnd() * 14 * 24) * HOUR).toISOString();
        rows.push(`('${ws.id}', '${id}', 'api', now(), now(), ${inStage ? `'${p.id}', '${pick(stageIds)}', '${entered}'` : 'NULL, NULL, NULL'})`);
        live.add(id);
        raw.add(id);
      }
      await t.database.raw(`INSERT INTO contacts (workspace_id, id, source, created_at, updated_at, playbook_id, stage_id, stage_entered_at) VALUES ${rows.join(',')}`, []);
    };
    const ops: Record<string, () => Promise<unknown>> = {
      insert: insertBatch,
      create: async () => {
        const c = await contacts.create(actor, {});
        live.add(c.id);
        if (rnd() < 0.7) await contactStages.setStage(actor, c.id, { playbookId: p.id, stageId: pick(stageIds) });
      },
      move: () => contactStages.setStage(actor, pick([...live]), { playbookId: p.id, stageId: pick(stageIds) }),
      clear: () => contactStages.clearStage(actor, pick([...live])),
      trash: async () => {
        const id = pick([...live]);
        live.delete(id);
        trashed.add(id);
        await contacts.remove(actor, id);
      },
      restore: async () => {
        const id = pick([...trashed]);
        trashed.delete(id);
        live.add(id);
        await contacts.restore(actor, id);
      },
      merge: async () => {
        const [survivor, other] = [pick([...live]), pick([...live])];
        if (survivor === other) return;
        live.delete(other);
        trashed.delete(other);
        await contactMerge.merge(actor, survivor, other);
      },
      delete: async () => {
        const id = pick([...raw]);
        raw.delete(id);
        live.delete(id);
        trashed.delete(id);
        await t.database.raw(`DELETE FROM contacts WHERE workspace_id = $1 AND id = $2`, [ws.id, id]);
      },
    };
    const names = Object.keys(ops);
    await insertBatch();
    const concurrent = backend() === 'postgres';
    let refused = 0;
    for (let round = 0; round < 8; round++) {
      const batch: (() => Promise<unknown>)[] = [];
      for (let i = 0; i < 10; i++) {
        const name = pick(names);
        if (name === 'restore' && trashed.size === 0) continue;
        if (name === 'delete' && raw.size === 0) continue;
        if (['move', 'clear', 'trash', 'merge'].includes(name) && live.size < 2) continue;
        batch.push(ops[name]!);
      }
      // The choices (which contact) are made in order; on PostgreSQL the writes then race.
      const run = async (op: () => Promise<unknown>) => {
        try {
          await op();
        } catch (err) {
          // Two racing writes on one contact (trash, then a move of the trashed one): refused, not miscounted.
          if (!(err instanceof AppError)) throw err;
          refused += 1;
        }
      };
      if (concurrent) await Promise.all(batch.map(run));
      else for (const op of batch) await run(op);
      // Bookkeeping of the sets can be off after a refused race: trust the database from here on.
      const { rows } = await t.database.raw(`SELECT id::text, deleted_at IS NOT NULL AS gone FROM contacts WHERE workspace_id = $1`, [ws.id]);
      live.clear();
      trashed.clear();
      for (const r of rows) (r.gone ? trashed : live).add(String(r.id));
      for (const id of [...raw]) if (!live.has(id) && !trashed.has(id)) raw.delete(id);

      const c = await counters(p.id);
      expect(c.negative).toEqual({});
      expect(c.totals).toEqual(c.counted);
      expect(c.days).toEqual(c.countedDays);
      const { shown, expected } = await boardAgainstCount(p.id, stales);
      expect(shown).toEqual(expected);
      clock.advance(7 * HOUR);
    }
    // Not vacuous: the sequence left contacts in stages, some of them stale.
    const { expected } = await boardAgainstCount(p.id, stales);
    expect(Object.values(expected).reduce((s, [n]) => s + n, 0)).toBeGreaterThan(10);
    expect(Object.values(expected).reduce((s, [, stale]) => s + stale, 0)).toBeGreaterThan(0);
    expect(refused).toBeLessThan(40);
  });
});
