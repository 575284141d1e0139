import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { contactEvents } from '../contacts/contacts.tables.ts';
import { systemActor } from '../lib/actor.ts';
import { fixedClock } from '../lib/clock.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { stageDurations } from './contact-stage.ts';

const clock = fixedClock('2026-11-24T08:00:00.000Z');
const SEC = 1000;
const DAY = 86_400 * SEC;
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
  other = await t.workspace();
});
afterAll(() => t.close());

let n = 0;
const playbook = async (w = ws) => {
  const res = await w.req('POST', '/v1/playbooks', { name: `Pipeline ${++n}`, stages: [{ name: 'New', staleAfterDays: 2 }, { name: 'Qualified', staleAfterDays: 5 }, { name: 'Won', kind: 'won' }] });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; stages: { id: string; name: string }[] };
};
const contact = async (w = ws) => {
  const res = await w.req('POST', '/v1/contacts', { email: `c${++n}@example.com` });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; version: number };
};
const put = (id: string, playbookId: string, stageId: string, w = ws, headers?: Record<string, string>) =>
  w.req('PUT', `/v1/contacts/${id}/stage`, { playbookId, stageId }, headers);

describe('moving a contact through stages', () => {
  it('shows the stage with time in stage exact to the second, from the injected clock', async () => {
    const p = await playbook();
    const c = await contact();
    const assigned = await put(c.id, p.id, p.stages[0]!.id);
    expect(assigned.status, assigned.text).toBe(200);
    expect(assigned.body.stage).toEqual({ playbookId: p.id, id: p.stages[0]!.id, name: 'New', enteredAt: '2026-11-24T08:00:00.000Z', secondsInStage: 0 });
    expect(assigned.body.version).toBe(c.version + 1);
    clock.advance(90 * SEC + 999);
    const got = await ws.req('GET', `/v1/contacts/${c.id}`);
    expect(got.body.stage.secondsInStage).toBe(90);
    await ws.req('PATCH', `/v1/playbooks/${p.id}/stages/${p.stages[0]!.id}`, { name: 'Fresh' });
    expect((await ws.req('GET', `/v1/contacts/${c.id}`)).body.stage.name).toBe('Fresh');
  });

  it('records every move in the history and on the timeline, and sums the time per stage', async () => {
    clock.set('2026-11-24T09:00:00.000Z');
    const p = await playbook();
    const [s1, s2] = p.stages;
    const c = await contact();
    await put(c.id, p.id, s1!.id);
    clock.advance(60 * SEC);
    await put(c.id, p.id, s2!.id);
    clock.advance(30 * SEC);
    await put(c.id, p.id, s1!.id);
    clock.advance(15 * SEC);
    const same = await put(c.id, p.id, s1!.id);
    expect(same.body.stage.secondsInStage).toBe(15);
    clock.advance(5 * SEC);

    const durations = await ws.req('GET', `/v1/contacts/${c.id}/stage-durations`);
    expect(durations.status).toBe(200);
    expect(durations.body.data).toEqual([
      { playbookId: p.id, stageId: s1!.id, name: 'New', seconds: 80, visits: 2, current: true },
      { playbookId: p.id, stageId: s2!.id, name: 'Qualified', seconds: 30, visits: 1, current: false },
    ]);

    const history = await ws.req('GET', `/v1/contacts/${c.id}/stage-history`);
    expect(history.body.data.map((h: { from: { stageId: string } | null; to: { stageId: string } | null; changedAt: string; source: string; actorType: string }) => [h.from?.stageId ?? null, h.to?.stageId ?? null, h.changedAt, h.actorType, h.source])).toEqual([
      [null, s1!.id, '2026-11-24T09:00:00.000Z', 'api_key', 'api'],
      [s1!.id, s2!.id, '2026-11-24T09:01:00.000Z', 'api_key', 'api'],
      [s2!.id, s1!.id, '2026-11-24T09:01:30.000Z', 'api_key', 'api'],
    ]);

    const events = await t.database.systemDb
      .select()
      .from(contactEvents)
      .where(and(eq(contactEvents.workspaceId, ws.id), eq(contactEvents.contactId, c.id), eq(contactEvents.type, 'contact.stage_changed')));
    expect(events).toHaveLength(3);
    expect(events.map((e) => e.data.secondsInPrevious).sort()).toEqual([30, 60, null].sort());
    const timeline = await ws.req('GET', `/v1/contacts/${c.id}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.data.filter((i: { type: string }) => i.type === 'contact.stage_changed')).toHaveLength(3);

    const out = await ws.req('DELETE', `/v1/contacts/${c.id}/stage`);
    expect(out.status).toBe(200);
    expect(out.body.stage).toBeNull();
    clock.advance(100 * SEC);
    const after = await ws.req('GET', `/v1/contacts/${c.id}/stage-durations`);
    expect(after.body.data.map((d: { seconds: number; current: boolean }) => [d.seconds, d.current])).toEqual([[80, false], [30, false]]);
  });

  it('rejects a stage of another playbook, another workspace, or an unknown one, naming the field and changing nothing', async () => {
    const a = await playbook();
    const b = await playbook();
    const theirs = await playbook(other);
    const c = await contact();
    await put(c.id, a.id, a.stages[0]!.id);
    const before = await ws.req('GET', `/v1/contacts/${c.id}`);
    const cases: [string, string, string, string][] = [
      [a.id, b.stages[0]!.id, '/stageId', 'stage_not_in_playbook'],
      [a.id, theirs.stages[0]!.id, '/stageId', 'not_found'],
      [theirs.id, theirs.stages[0]!.id, '/playbookId', 'not_found'],
      ['01890000-0000-7000-8000-000000000000', a.stages[0]!.id, '/playbookId', 'not_found'],
    ];
    for (const [playbookId, stageId, pointer, code] of cases) {
      const res = await put(c.id, playbookId, stageId);
      expect(res.status, res.text).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer, code })]);
    }
    expect((await ws.req('GET', `/v1/contacts/${c.id}`)).body).toEqual(before.body);
    expect((await ws.req('PUT', `/v1/contacts/${c.id}/stage`, { playbookId: a.id })).body.errors[0].pointer).toBe('/stageId');
  });

  it('refuses archived playbooks and stages, and honours If-Match', async () => {
    const p = await playbook();
    const c = await contact();
    await ws.req('PATCH', `/v1/playbooks/${p.id}/stages/${p.stages[1]!.id}`, { archived: true });
    const archivedStage = await put(c.id, p.id, p.stages[1]!.id);
    expect(archivedStage.body.errors[0]).toMatchObject({ pointer: '/stageId', code: 'archived' });
    const stale = await put(c.id, p.id, p.stages[0]!.id, ws, { 'if-match': `"${c.version + 5}"` });
    expect(stale.status).toBe(412);
    const ok = await put(c.id, p.id, p.stages[0]!.id, ws, { 'if-match': `"${c.version}"` });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe(`"${c.version + 1}"`);
    await ws.req('PATCH', `/v1/playbooks/${p.id}`, { archived: true });
    const c2 = await contact();
    expect((await put(c2.id, p.id, p.stages[0]!.id)).body.errors[0]).toMatchObject({ pointer: '/playbookId', code: 'archived' });
  });

  it("answers 404 for another workspace's contact on every contact stage route", async () => {
    const theirs = await contact(other);
    const p = await playbook();
    const routes: [string, string, unknown?][] = [
      ['PUT', `/v1/contacts/${theirs.id}/stage`, { playbookId: p.id, stageId: p.stages[0]!.id }],
      ['DELETE', `/v1/contacts/${theirs.id}/stage`],
      ['GET', `/v1/contacts/${theirs.id}/stage-history`],
      ['GET', `/v1/contacts/${theirs.id}/stage-durations`],
    ];
    for (const [method, url, body] of routes) expect((await ws.req(method, url, body)).status, `${method} ${url}`).toBe(404);
  });

  it('keeps the stage and its history through a merge', async () => {
    clock.set('2026-11-25T10:00:00.000Z');
    const p = await playbook();
    const survivor = await contact();
    const absorbed = await contact();
    await put(absorbed.id, p.id, p.stages[1]!.id);
    clock.advance(10 * SEC);
    const merged = await ws.req('POST', `/v1/contacts/${survivor.id}/merge`, { otherContactId: absorbed.id });
    expect(merged.status, merged.text).toBe(200);
    expect(merged.body.stage).toMatchObject({ id: p.stages[1]!.id, name: 'Qualified', enteredAt: '2026-11-25T10:00:00.000Z', secondsInStage: 10 });
    const durations = await ws.req('GET', `/v1/contacts/${survivor.id}/stage-durations`);
    expect(durations.body.data).toEqual([expect.objectContaining({ stageId: p.stages[1]!.id, seconds: 10, current: true })]);
  });
});

describe('moving many contacts at once (an import batch)', () => {
  type Seen = { stage: unknown; version: number; history: unknown[]; events: number; outbox: number };
  /** What a contact shows after its moves: its stage and version, its history, its stage events and outbox rows. */
  const seen = async (id: string): Promise<Seen> => {
    const c = (await ws.req('GET', `/v1/contacts/${id}`)).body;
    const history = (await ws.req('GET', `/v1/contacts/${id}/stage-history`)).body.data.map((h: Record<string, unknown>) => [h.from, h.to, h.changedAt, h.source]);
    const { rows: [ev] } = await t.database.raw(`SELECT count(*)::int AS n FROM contact_events WHERE workspace_id = $1 AND contact_id = $2 AND type = 'contact.stage_changed'`, [ws.id, id]);
    const { rows: [ob] } = await t.database.raw(`SELECT count(*)::int AS n FROM outbox WHERE workspace_id = $1 AND payload->>'contactId' = $2 AND payload->>'change' = 'stage_changed'`, [ws.id, id]);
    return { stage: c.stage, version: c.version, history, events: Number(ev!.n), outbox: Number(ob!.n) };
  };

  it('records the same as moving them one by one, skips what setStage would refuse, and keeps the board counts', async () => {
    clock.set('2026-12-10T00:00:00.000Z');
    const p = await playbook();
    const [s1, s2, s3] = p.stages;
    const archived = await playbook();
    await ws.req('PATCH', `/v1/playbooks/${archived.id}/stages/${archived.stages[0]!.id}`, { archived: true });
    const theirs = await playbook(other);
    // Pairs of twins: one moved by setStages, one by setStage, from the same starting point.
    const twins = async () => [await contact(), await contact()] as const;
    const fresh = await twins();
    const moving = await twins();
    const staying = await twins();
    const toArchived = await twins();
    const toForeign = await twins();
    const deleted = await twins();
    for (const c of [...moving, ...staying]) await put(c.id, p.id, s1!.id);
    for (const c of deleted) await ws.req('DELETE', `/v1/contacts/${c.id}`);
    clock.advance(45 * SEC);
    const actor = systemActor(ws.id);
    const wanted = [
      [fresh, s2!.id, p.id], [moving, s3!.id, p.id], [staying, s1!.id, p.id],
      [toArchived, archived.stages[0]!.id, archived.id], [toForeign, theirs.stages[0]!.id, theirs.id], [deleted, s2!.id, p.id],
    ] as const;
    const versions = await inWorkspace(ws.id, () => t.deps.services.contactStages.setStages(actor, wanted.map(([pair, stageId, playbookId]) => ({ contactId: pair[0].id, playbookId, stageId })), { source: 'import' }));
    for (const [pair, stageId, playbookId] of wanted) {
      await inWorkspace(ws.id, () => t.deps.services.contactStages.setStage(actor, pair[1].id, { playbookId, stageId }, { source: 'import' })).catch(() => undefined);
    }
    for (const [pair] of wanted.filter(([pair]) => pair !== deleted)) {
      const [batch, single] = [await seen(pair[0].id), await seen(pair[1].id)];
      expect(batch).toEqual(single);
      expect(versions.get(pair[0].id)).toBe(batch.version);
    }
    expect((await seen(fresh[0].id)).stage).toMatchObject({ id: s2!.id, enteredAt: '2026-12-10T00:00:45.000Z' });
    expect((await seen(moving[0].id)).history).toHaveLength(2);
    expect((await seen(staying[0].id)).history).toHaveLength(1);
    expect((await seen(toArchived[0].id)).stage).toBeNull();
    expect((await seen(toForeign[0].id)).stage).toBeNull();
    const { rows: [gone] } = await t.database.raw(`SELECT stage_id FROM contacts WHERE workspace_id = $1 AND id = $2`, [ws.id, deleted[0].id]);
    expect(gone!.stage_id).toBeNull();
    const board = await ws.req('GET', `/v1/playbooks/${p.id}/board`);
    // The trigger-kept counts: the staying pair in the first stage, the fresh pair in the second, the moving pair in the third.
    expect(board.body.columns.map((c: { count: number }) => c.count)).toEqual([2, 2, 2]);
  });
});

describe('the board', () => {
  it('counts contacts and stale contacts per stage and lists the first ones, longest in stage first or most recent', async () => {
    clock.set('2026-12-01T00:00:00.000Z');
    const p = await playbook();
    const [fresh, qualified] = p.stages;
    const ids: string[] = [];
    // Entered "New" 0, 1, 2 and 3 days ago (stale after 2 days: only the 3-day one; 2 days is not longer).
    for (let i = 0; i < 4; i++) {
      clock.set(new Date(Date.parse('2026-12-01T00:00:00.000Z') + i * DAY));
      const c = await contact();
      await put(c.id, p.id, fresh!.id);
      ids.push(c.id);
    }
    const q = await contact();
    await put(q.id, p.id, qualified!.id);
    const trashed = await contact();
    await put(trashed.id, p.id, fresh!.id);
    await ws.req('DELETE', `/v1/contacts/${trashed.id}`);
    const theirs = await playbook(other);
    await put((await contact(other)).id, theirs.id, theirs.stages[0]!.id, other);
    clock.set('2026-12-04T00:00:00.000Z');

    const board = await ws.req('GET', `/v1/playbooks/${p.id}/board?limit=3`);
    expect(board.status, board.text).toBe(200);
    const cols = board.body.columns;
    expect(cols.map((c: { stage: { name: string }; count: number; staleCount: number }) => [c.stage.name, c.count, c.staleCount])).toEqual([
      ['New', 4, 1], ['Qualified', 1, 0], ['Won', 0, 0],
    ]);
    expect(cols[0].contacts.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 3));
    expect(cols[0].contacts[0].stage).toMatchObject({ name: 'New', secondsInStage: 3 * 86_400 });
    const recent = await ws.req('GET', `/v1/playbooks/${p.id}/board?limit=2&sort=recent`);
    expect(recent.body.columns[0].contacts.map((c: { id: string }) => c.id)).toEqual([ids[3], ids[2]]);
    expect((await ws.req('GET', `/v1/playbooks/${p.id}/board?sort=oldest`)).status).toBe(400);
  });
});

describe('stage durations (pure)', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * SEC);
  it.each([
    ['no history', [], 10, null, []],
    ['one stage until now', [['a', 0]], 42, 'a', [['a', 42, 1]]],
    ['there and back', [['a', 0], ['b', 10], ['a', 25]], 30, 'a', [['a', 15, 2], ['b', 15, 1]]],
    ['taken out', [['a', 0], [null, 7]], 100, null, [['a', 7, 1]]],
  ] as const)('%s', (_name, steps, nowS, current, expected) => {
    const history = steps.map(([stage, s]) => ({ toPlaybookId: stage ? 'p' : null, toStageId: stage, changedAt: at(s) }));
    const result = stageDurations(history, at(nowS), current);
    expect([...result.entries()].map(([id, d]) => [id, d.seconds, d.visits])).toEqual(expected);
  });
});

describe('board counts kept by the trigger', () => {
  it('turns stale exactly when the stage limit passes, to the second', async () => {
    clock.set('2026-12-10T10:00:00.000Z');
    const p = await playbook();
    const c = await contact();
    await put(c.id, p.id, p.stages[0]!.id);
    const stale = async () => (await ws.req('GET', `/v1/playbooks/${p.id}/board`)).body.columns[0].staleCount;
    clock.set('2026-12-12T10:00:00.000Z');
    expect(await stale()).toBe(0);
    clock.set('2026-12-12T10:00:01.000Z');
    expect(await stale()).toBe(1);
  });

  it('equal a full count after moves, trash, restore, merge and deletions', async () => {
    const p = await playbook();
    const [a, b] = p.stages;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await contact();
      await put(c.id, p.id, (i % 2 ? a : b)!.id);
      ids.push(c.id);
      clock.advance(DAY / 3);
    }
    await ws.req('DELETE', `/v1/contacts/${ids[0]}`);
    await ws.req('DELETE', `/v1/contacts/${ids[1]}`);
    await ws.req('POST', `/v1/contacts/${ids[1]}/restore`);
    await ws.req('POST', `/v1/contacts/${ids[2]}/merge`, { otherContactId: ids[3] });
    await ws.req('DELETE', `/v1/contacts/${ids[4]}/stage`);
    await put(ids[5]!, p.id, a!.id);
    const counted = await t.database.raw(
      `SELECT stage_id::text, count(*)::int AS n FROM contacts WHERE workspace_id = $1 AND stage_id IS NOT NULL AND deleted_at IS NULL GROUP BY 1 ORDER BY 1`,
      [ws.id],
    );
    const kept = await t.database.raw(
      `SELECT stage_id::text, sum(n)::int AS n FROM playbook_stage_day_counts WHERE workspace_id = $1 GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1`,
      [ws.id],
    );
    expect(kept.rows).toEqual(counted.rows);
    const board = await ws.req('GET', `/v1/playbooks/${p.id}/board`);
    expect(board.body.columns.slice(0, 2).map((c: { count: number }) => c.count)).toEqual([2, 1]);
  });
});
