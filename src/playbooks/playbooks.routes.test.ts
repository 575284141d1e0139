import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let member: TestWorkspace['req'];
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  const key = await ws.req('POST', '/v1/api-keys', { name: 'member', role: 'member' });
  member = ws.as(key.body.secret);
});
afterAll(() => t.close());

const STAGES = [{ name: 'New' }, { name: 'Contacted', staleAfterDays: 3 }, { name: 'Won', kind: 'won' }, { name: 'Lost', kind: 'lost' }];
let n = 0;
const createPlaybook = async (w = ws, stages: unknown[] = STAGES) => {
  const res = await w.req('POST', '/v1/playbooks', { name: `Sales ${++n}`, stages });
  expect(res.status, res.text).toBe(201);
  return res.body;
};

describe('playbooks API', () => {
  it('creates a playbook with ordered stages, kinds and stale limits', async () => {
    const p = await createPlaybook();
    expect(p.stages.map((s: { name: string; kind: string; position: number; staleAfterDays: number | null }) => [s.name, s.kind, s.position, s.staleAfterDays])).toEqual([
      ['New', 'open', 0, null], ['Contacted', 'open', 1, 3], ['Won', 'won', 2, null], ['Lost', 'lost', 3, null],
    ]);
    const got = await ws.req('GET', `/v1/playbooks/${p.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe('"1"');
    expect(got.body).toEqual(p);
    expect((await ws.req('GET', `/v1/playbooks/${p.id}/stages`)).body.data).toEqual(p.stages);
  });

  it('rejects a duplicate playbook name, duplicate stage names and a bad kind, naming the field', async () => {
    const p = await createPlaybook();
    const dup = await ws.req('POST', '/v1/playbooks', { name: p.name.toUpperCase() });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'playbook_name_taken', errors: [{ pointer: '/name' }] });
    const twice = await ws.req('POST', '/v1/playbooks', { name: 'Twice', stages: [{ name: 'A' }, { name: 'a' }] });
    expect(twice.status).toBe(422);
    expect(twice.body.errors[0].pointer).toBe('/stages/1/name');
    const kind = await ws.req('POST', '/v1/playbooks', { name: 'Kind', stages: [{ name: 'A', kind: 'maybe' }] });
    expect(kind.status).toBe(422);
    expect(kind.body.errors[0].pointer).toBe('/stages/0/kind');
  });

  it('renames and archives with If-Match; a stale ETag is a 412', async () => {
    const p = await createPlaybook();
    const renamed = await ws.req('PATCH', `/v1/playbooks/${p.id}`, { name: 'Renamed' }, { 'if-match': '"1"' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', version: 2 });
    const stale = await ws.req('PATCH', `/v1/playbooks/${p.id}`, { archived: true }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    const archived = await ws.req('PATCH', `/v1/playbooks/${p.id}`, { archived: true });
    expect(archived.body.archived).toBe(true);
    const list = await ws.req('GET', '/v1/playbooks');
    expect(list.body.data.map((x: { id: string }) => x.id)).not.toContain(p.id);
    const archivedList = await ws.req('GET', '/v1/playbooks?archived=true');
    expect(archivedList.body.data.map((x: { id: string }) => x.id)).toContain(p.id);
  });

  it('reorders playbooks and stages; the list must name every one exactly once', async () => {
    const p = await createPlaybook();
    const ids = p.stages.map((s: { id: string }) => s.id);
    const reversed = [...ids].reverse();
    const res = await ws.req('POST', `/v1/playbooks/${p.id}/stages/reorder`, { stageIds: reversed });
    expect(res.status).toBe(200);
    expect(res.body.stages.map((s: { id: string }) => s.id)).toEqual(reversed);
    const missing = await ws.req('POST', `/v1/playbooks/${p.id}/stages/reorder`, { stageIds: ids.slice(1) });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0]).toMatchObject({ pointer: '/stageIds', code: 'incomplete' });
    const twice = await ws.req('POST', `/v1/playbooks/${p.id}/stages/reorder`, { stageIds: [ids[0], ...ids.slice(0, 3)] });
    expect(twice.body.errors[0]).toMatchObject({ pointer: '/stageIds/1', code: 'duplicate' });

    const all = (await ws.req('GET', '/v1/playbooks?archived=all')).body.data.map((x: { id: string }) => x.id);
    const order = await ws.req('POST', '/v1/playbooks/reorder', { playbookIds: [...all].reverse() });
    expect(order.status).toBe(200);
    expect(order.body.data.map((x: { id: string }) => x.id)).toEqual([...all].reverse());
  });

  it('adds, renames, archives and deletes stages', async () => {
    const p = await createPlaybook();
    const added = await ws.req('POST', `/v1/playbooks/${p.id}/stages`, { name: 'Proposal', staleAfterDays: 7 });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'Proposal', kind: 'open', position: 4, staleAfterDays: 7 });
    expect(added.headers.location).toBe(`/v1/playbooks/${p.id}/stages/${added.body.id}`);
    const url = `/v1/playbooks/${p.id}/stages/${added.body.id}`;
    const patched = await ws.req('PATCH', url, { name: 'Offer', staleAfterDays: null, archived: true });
    expect(patched.body).toMatchObject({ name: 'Offer', staleAfterDays: null, archived: true, version: 2 });
    const dupName = await ws.req('PATCH', url, { name: 'new' });
    expect(dupName.status).toBe(409);
    expect(dupName.body.code).toBe('stage_name_taken');
    expect((await ws.req('DELETE', url)).status).toBe(204);
    expect((await ws.req('GET', url)).status).toBe(404);
  });

  it('refuses to delete a stage that has contacts, with the count, until they are moved', async () => {
    const p = await createPlaybook();
    const [first, second] = p.stages;
    for (let i = 0; i < 2; i++) {
      const c = await ws.req('POST', '/v1/contacts', { email: `stage-del-${i}@example.com` });
      expect((await ws.req('PUT', `/v1/contacts/${c.body.id}/stage`, { playbookId: p.id, stageId: first.id })).status).toBe(200);
    }
    const refused = await ws.req('DELETE', `/v1/playbooks/${p.id}/stages/${first.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'stage_has_contacts', count: 2 });
    const board = await ws.req('GET', `/v1/playbooks/${p.id}/board`);
    expect(board.body.columns[0].contacts).toHaveLength(2);
    for (const c of board.body.columns[0].contacts) {
      expect((await ws.req('PUT', `/v1/contacts/${c.id}/stage`, { playbookId: p.id, stageId: second.id })).status).toBe(200);
    }
    expect((await ws.req('DELETE', `/v1/playbooks/${p.id}/stages/${first.id}`)).status).toBe(204);
  });

  it('lets a trashed contact go when its stage is deleted', async () => {
    const p = await createPlaybook();
    const c = await ws.req('POST', '/v1/contacts', { email: 'trashed-in-stage@example.com' });
    // The contact really is in the stage when it goes to the trash, or a null stage below would prove nothing.
    expect((await ws.req('PUT', `/v1/contacts/${c.body.id}/stage`, { playbookId: p.id, stageId: p.stages[0].id })).body.stage).toMatchObject({ id: p.stages[0].id });
    expect((await ws.req('DELETE', `/v1/contacts/${c.body.id}`)).status).toBe(204);
    expect((await ws.req('DELETE', `/v1/playbooks/${p.id}/stages/${p.stages[0].id}`)).status).toBe(204);
    const restored = await ws.req('POST', `/v1/contacts/${c.body.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.stage).toBeNull();
  });

  it('lets members read playbooks but not change them (403)', async () => {
    const p = await createPlaybook();
    expect((await member('GET', '/v1/playbooks')).status).toBe(200);
    expect((await member('GET', `/v1/playbooks/${p.id}/board`)).status).toBe(200);
    const stage = `/v1/playbooks/${p.id}/stages/${p.stages[0].id}`;
    const attempts: [string, string, unknown?][] = [
      ['POST', '/v1/playbooks', { name: 'Nope' }],
      ['PATCH', `/v1/playbooks/${p.id}`, { name: 'Nope' }],
      ['POST', '/v1/playbooks/reorder', { playbookIds: [p.id] }],
      ['POST', `/v1/playbooks/${p.id}/stages`, { name: 'Nope' }],
      ['POST', `/v1/playbooks/${p.id}/stages/reorder`, { stageIds: [p.stages[0].id] }],
      ['PATCH', stage, { name: 'Nope' }],
      ['DELETE', stage],
    ];
    for (const [method, url, body] of attempts) {
      const res = await member(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
  });

  it("answers 404 for another workspace's playbook or stage on every route", async () => {
    const theirs = await createPlaybook(other);
    const stage = theirs.stages[0];
    const mine = await createPlaybook();
    const routes: [string, string, unknown?][] = [
      ['GET', `/v1/playbooks/${theirs.id}`],
      ['PATCH', `/v1/playbooks/${theirs.id}`, { name: 'Mine now' }],
      ['GET', `/v1/playbooks/${theirs.id}/board`],
      ['GET', `/v1/playbooks/${theirs.id}/stages`],
      ['POST', `/v1/playbooks/${theirs.id}/stages`, { name: 'X' }],
      ['POST', `/v1/playbooks/${theirs.id}/stages/reorder`, { stageIds: [stage.id] }],
      ['GET', `/v1/playbooks/${theirs.id}/stages/${stage.id}`],
      ['PATCH', `/v1/playbooks/${theirs.id}/stages/${stage.id}`, { name: 'X' }],
      ['DELETE', `/v1/playbooks/${theirs.id}/stages/${stage.id}`],
      // Their stage under my playbook is not mine either.
      ['GET', `/v1/playbooks/${mine.id}/stages/${stage.id}`],
      ['PATCH', `/v1/playbooks/${mine.id}/stages/${stage.id}`, { name: 'X' }],
      ['DELETE', `/v1/playbooks/${mine.id}/stages/${stage.id}`],
    ];
    for (const [method, url, body] of routes) {
      const res = await ws.req(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const reorder = await ws.req('POST', '/v1/playbooks/reorder', { playbookIds: [theirs.id] });
    expect(reorder.status).toBe(422);
    expect((await other.req('GET', `/v1/playbooks/${theirs.id}`)).body.name).toBe(theirs.name);
  });

  it('answers 404 for a stage of another playbook in the path', async () => {
    const a = await createPlaybook();
    const b = await createPlaybook();
    expect((await ws.req('GET', `/v1/playbooks/${a.id}/stages/${b.stages[0].id}`)).status).toBe(404);
  });
});
