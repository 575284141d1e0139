import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let contactId: string;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  contactId = (await ws.req('POST', '/v1/contacts', { email: 'meet@example.com' })).body.id;
});
afterAll(() => t.close());

const meetingCount = async () => Number((await t.database.raw('SELECT count(*)::int AS n FROM meetings WHERE workspace_id = $1', [ws.id])).rows[0]!.n);
const slot = { startsAt: '2026-11-25T10:00:00+01:00', endsAt: '2026-11-25T10:30:00+01:00' };

describe('meetings API', () => {
  it('creates, reads, moves and deletes a meeting', async () => {
    const created = await ws.req('POST', `/v1/contacts/${contactId}/meetings`, { title: 'Demo', ...slot, link: 'https://meet.example.com/abc', source: 'calendly' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Demo', startsAt: '2026-11-25T09:00:00.000Z', endsAt: '2026-11-25T09:30:00.000Z', link: 'https://meet.example.com/abc', location: null, source: 'calendly', version: 1 });
    const id = created.body.id;
    expect((await ws.req('GET', `/v1/meetings/${id}`)).body).toEqual(created.body);
    const moved = await ws.req('PATCH', `/v1/meetings/${id}`, { startsAt: '2026-11-25T09:15:00Z', endsAt: '2026-11-25T10:00:00Z', location: 'Office 2' }, { 'if-match': '"1"' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ startsAt: '2026-11-25T09:15:00.000Z', location: 'Office 2', version: 2 });
    expect((await ws.req('GET', `/v1/contacts/${contactId}/meetings`)).body.data[0].id).toBe(id);
    expect((await ws.req('DELETE', `/v1/meetings/${id}`)).status).toBe(204);
    expect((await ws.req('GET', `/v1/meetings/${id}`)).status).toBe(404);
  });

  it.each([
    [{ title: 'x', startsAt: slot.endsAt, endsAt: slot.startsAt }, '/endsAt', 'ends_before_start'],
    [{ title: 'x', startsAt: slot.startsAt, endsAt: slot.startsAt }, '/endsAt', 'ends_before_start'],
    [{ title: 'x', startsAt: 'soon', endsAt: slot.endsAt }, '/startsAt', 'invalid_format'],
    [{ title: 'x', ...slot, link: 'javascript:alert(1)' }, '/link', 'invalid_url'],
    [{ title: 'x', ...slot, source: 'zoom' }, '/source', 'invalid_value'],
    [{ title: 'x', startsAt: slot.startsAt }, '/endsAt', 'invalid_type'],
  ])('rejects %j at %s and writes nothing', async (body, pointer, code) => {
    const before = await meetingCount();
    const res = await ws.req('POST', `/v1/contacts/${contactId}/meetings`, body);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toContainEqual(expect.objectContaining({ pointer, code }));
    expect(await meetingCount()).toBe(before);
  });

  it('checks the span against the stored start when a patch moves only the end', async () => {
    const m = (await ws.req('POST', `/v1/contacts/${contactId}/meetings`, { title: 'x', ...slot })).body;
    const res = await ws.req('PATCH', `/v1/meetings/${m.id}`, { endsAt: '2026-11-25T08:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/endsAt', code: 'ends_before_start' });
    expect((await ws.req('GET', `/v1/meetings/${m.id}`)).body.version).toBe(1);
    expect((await ws.req('PATCH', `/v1/meetings/${m.id}`, { source: 'manual' })).status).toBe(422);
  });

  it('answers 404 to another workspace on every meeting route', async () => {
    const m = (await ws.req('POST', `/v1/contacts/${contactId}/meetings`, { title: 'mine', ...slot })).body;
    expect((await other.req('POST', `/v1/contacts/${contactId}/meetings`, { title: 'theirs', ...slot })).status).toBe(404);
    expect((await other.req('GET', `/v1/contacts/${contactId}/meetings`)).status).toBe(404);
    expect((await other.req('GET', `/v1/meetings/${m.id}`)).status).toBe(404);
    expect((await other.req('PATCH', `/v1/meetings/${m.id}`, { title: 'hijack' })).status).toBe(404);
    expect((await other.req('DELETE', `/v1/meetings/${m.id}`)).status).toBe(404);
    // The refused writes changed nothing.
    expect((await ws.req('GET', `/v1/meetings/${m.id}`)).body).toMatchObject({ title: 'mine', version: 1 });
  });
});
