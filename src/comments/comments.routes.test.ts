import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertApiKey } from '../api-keys/api-keys.service.ts';
import { systemClock } from '../lib/clock.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let contactId: string;
let memberKey: string;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  contactId = (await ws.req('POST', '/v1/contacts', { email: 'note@example.com' })).body.id;
  const user = (await ws.req('POST', '/v1/users', { email: 'member@example.com', role: 'member' })).body;
  memberKey = (await insertApiKey(t.database.systemDb, systemClock, { workspaceId: ws.id, name: 'member', role: 'member', userId: user.id })).secret;
});
afterAll(() => t.close());

describe('comments API', () => {
  it('creates, reads, edits and deletes a note with its author', async () => {
    const created = await ws.req('POST', `/v1/contacts/${contactId}/comments`, { body: '  Prefers calls after 18:00  ' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ contactId, body: 'Prefers calls after 18:00', author: { type: 'api_key', id: ws.ownerId }, version: 1 });
    const id = created.body.id;
    expect((await ws.req('GET', `/v1/comments/${id}`)).body).toEqual(created.body);
    const edited = await ws.req('PATCH', `/v1/comments/${id}`, { body: 'After 19:00' }, { 'if-match': '"1"' });
    expect(edited.body).toMatchObject({ body: 'After 19:00', version: 2, author: created.body.author });
    expect((await ws.req('DELETE', `/v1/comments/${id}`, undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await ws.req('DELETE', `/v1/comments/${id}`)).status).toBe(204);
    expect((await ws.req('GET', `/v1/comments/${id}`)).status).toBe(404);
  });

  it('rejects an empty note and unknown fields, writing nothing', async () => {
    const res = await ws.req('POST', `/v1/contacts/${contactId}/comments`, { body: '   ', author: 'me' });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/author', '/body']);
    expect((await ws.req('GET', `/v1/contacts/${contactId}/comments`)).body.data).toEqual([]);
  });

  it("lets a member change only their own notes", async () => {
    const member = ws.as(memberKey);
    const ownerNote = (await ws.req('POST', `/v1/contacts/${contactId}/comments`, { body: 'owner' })).body;
    const memberNote = (await member('POST', `/v1/contacts/${contactId}/comments`, { body: 'member' })).body;
    expect((await member('PATCH', `/v1/comments/${ownerNote.id}`, { body: 'no' })).status).toBe(403);
    expect((await member('DELETE', `/v1/comments/${ownerNote.id}`)).status).toBe(403);
    expect((await member('PATCH', `/v1/comments/${memberNote.id}`, { body: 'mine' })).status).toBe(200);
    expect((await ws.req('DELETE', `/v1/comments/${memberNote.id}`)).status).toBe(204);
  });

  it('answers 404 to another workspace on every comment route', async () => {
    const c = (await ws.req('POST', `/v1/contacts/${contactId}/comments`, { body: 'mine' })).body;
    expect((await other.req('POST', `/v1/contacts/${contactId}/comments`, { body: 'theirs' })).status).toBe(404);
    expect((await other.req('GET', `/v1/contacts/${contactId}/comments`)).status).toBe(404);
    expect((await other.req('GET', `/v1/comments/${c.id}`)).status).toBe(404);
    expect((await other.req('PATCH', `/v1/comments/${c.id}`, { body: 'hijack' })).status).toBe(404);
    expect((await other.req('DELETE', `/v1/comments/${c.id}`)).status).toBe(404);
    // The refused writes changed nothing.
    expect((await ws.req('GET', `/v1/comments/${c.id}`)).body).toMatchObject({ body: 'mine', version: 1 });
  });
});
