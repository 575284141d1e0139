import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { fixedClock } from '../lib/clock.ts';
import { deletePendingTasksForContact } from './tasks.service.ts';

const clock = fixedClock('2026-11-24T08:00:00.000Z');
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let contactId: string;
beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
  other = await t.workspace();
  contactId = (await ws.req('POST', '/v1/contacts', { email: 'ana@example.com' })).body.id;
});
afterAll(() => t.close());

const count = async (sql: string, params: unknown[]) => Number((await t.database.raw(sql, params)).rows[0]!.n);

describe('tasks API', () => {
  it('creates, reads, completes, reopens and deletes a task', async () => {
    const created = await ws.req('POST', `/v1/contacts/${contactId}/tasks`, { title: ' Call back ', dueAt: '2026-11-25T10:00:00+01:00', assigneeId: ws.ownerId });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ contactId, title: 'Call back', dueAt: '2026-11-25T09:00:00.000Z', assigneeId: ws.ownerId, status: 'pending', completedAt: null, version: 1, author: { type: 'api_key' } });
    expect(created.headers.location).toBe(`/v1/tasks/${created.body.id}`);
    const id = created.body.id;

    const got = await ws.req('GET', `/v1/tasks/${id}`);
    expect(got.body).toEqual(created.body);
    expect(got.headers.etag).toBe('"1"');

    clock.advance(60_000);
    const done = await ws.req('PATCH', `/v1/tasks/${id}`, { status: 'done' }, { 'if-match': '"1"' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', completedAt: '2026-11-24T08:01:00.000Z', version: 2 });

    const stale = await ws.req('PATCH', `/v1/tasks/${id}`, { title: 'x' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe('"2"');

    const reopened = await ws.req('PATCH', `/v1/tasks/${id}`, { status: 'pending', dueAt: null });
    expect(reopened.body).toMatchObject({ status: 'pending', completedAt: null, dueAt: null, version: 3 });

    expect((await ws.req('DELETE', `/v1/tasks/${id}`)).status).toBe(204);
    expect((await ws.req('GET', `/v1/tasks/${id}`)).status).toBe(404);
  });

  it('rejects an assignee who is not a user of this workspace, writing nothing', async () => {
    const before = await count('SELECT count(*)::int AS n FROM tasks WHERE workspace_id = $1', [ws.id]);
    const res = await ws.req('POST', `/v1/contacts/${contactId}/tasks`, { title: 'x', assigneeId: other.ownerId });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/assigneeId', code: 'unknown_user' })]);
    expect(await count('SELECT count(*)::int AS n FROM tasks WHERE workspace_id = $1', [ws.id])).toBe(before);
  });

  it('rejects an empty title, a bad due date, unknown and server-set fields with pointers', async () => {
    const res = await ws.req('POST', `/v1/contacts/${contactId}/tasks`, { title: '  ', dueAt: 'tomorrow', completedAt: '2026-01-01T00:00:00Z' });
    expect(res.status).toBe(422);
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/completedAt', '/dueAt', '/title']);
  });

  it('pages a contact’s tasks newest first without repeats', async () => {
    const c = (await ws.req('POST', '/v1/contacts', { email: 'pager@example.com' })).body.id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      ids.push((await ws.req('POST', `/v1/contacts/${c}/tasks`, { title: `t${i}` })).body.id);
    }
    const p1 = await ws.req('GET', `/v1/contacts/${c}/tasks?limit=2`);
    const p2 = await ws.req('GET', `/v1/contacts/${c}/tasks?limit=2&cursor=${p1.body.nextCursor}`);
    const p3 = await ws.req('GET', `/v1/contacts/${c}/tasks?limit=2&cursor=${p2.body.nextCursor}`);
    expect([...p1.body.data, ...p2.body.data, ...p3.body.data].map((x: { id: string }) => x.id)).toEqual(ids.reverse());
    expect(p3.body.nextCursor).toBeNull();
  });

  it('deletePendingTasksForContact removes only pending tasks of that contact', async () => {
    const c = (await ws.req('POST', '/v1/contacts', { email: 'ignored@example.com' })).body.id;
    await ws.req('POST', `/v1/contacts/${c}/tasks`, { title: 'pending 1' });
    await ws.req('POST', `/v1/contacts/${c}/tasks`, { title: 'pending 2' });
    const done = (await ws.req('POST', `/v1/contacts/${c}/tasks`, { title: 'done', status: 'done' })).body;
    const elsewhere = (await ws.req('POST', `/v1/contacts/${contactId}/tasks`, { title: 'other contact' })).body;
    const n = await t.database.systemDb.transaction((tx) => deletePendingTasksForContact(tx, ws.id, c));
    expect(n).toBe(2);
    const left = await ws.req('GET', `/v1/contacts/${c}/tasks`);
    expect(left.body.data.map((x: { id: string }) => x.id)).toEqual([done.id]);
    expect((await ws.req('GET', `/v1/tasks/${elsewhere.id}`)).status).toBe(200);
    expect(await t.database.systemDb.transaction((tx) => deletePendingTasksForContact(tx, other.id, contactId))).toBe(0);
  });

  it('keeps tasks readable when the contact is in the trash, but refuses new ones', async () => {
    const c = (await ws.req('POST', '/v1/contacts', { email: 'trash@example.com' })).body.id;
    const task = (await ws.req('POST', `/v1/contacts/${c}/tasks`, { title: 'keep me' })).body;
    expect((await ws.req('DELETE', `/v1/contacts/${c}`)).status).toBe(204);
    expect((await ws.req('GET', `/v1/tasks/${task.id}`)).status).toBe(200);
    expect((await ws.req('GET', `/v1/contacts/${c}/tasks`)).body.data).toHaveLength(1);
    expect((await ws.req('POST', `/v1/contacts/${c}/tasks`, { title: 'no' })).status).toBe(404);
  });

  it('answers 404 to another workspace on every task route', async () => {
    const task = (await ws.req('POST', `/v1/contacts/${contactId}/tasks`, { title: 'mine' })).body;
    expect((await other.req('POST', `/v1/contacts/${contactId}/tasks`, { title: 'theirs' })).status).toBe(404);
    expect((await other.req('GET', `/v1/contacts/${contactId}/tasks`)).status).toBe(404);
    expect((await other.req('GET', `/v1/tasks/${task.id}`)).status).toBe(404);
    expect((await other.req('PATCH', `/v1/tasks/${task.id}`, { title: 'hijack' })).status).toBe(404);
    expect((await other.req('DELETE', `/v1/tasks/${task.id}`)).status).toBe(404);
    expect((await ws.req('GET', `/v1/tasks/${task.id}`)).body.title).toBe('mine');
  });
});
