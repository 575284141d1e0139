import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { insertApiKey } from '../api-keys/api-keys.service.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let member: TestWorkspace['req'];

const view = { name: 'Web leads without owner', filter: { and: [{ field: 'source', op: 'eq', value: 'web' }, { field: 'ownerId', op: 'isEmpty', value: true }] }, sort: 'lastName', columns: ['firstName', 'lastName', 'email'] };

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  const user = await ws.req('POST', '/v1/users', { email: 'member@example.com', role: 'member' });
  const key = await insertApiKey(t.database.systemDb, t.deps.clock, { workspaceId: ws.id, name: 'member key', role: 'member', userId: user.body.id });
  member = ws.as(key.secret);
  await ws.req('POST', '/v1/contacts', { email: 'w1@example.com', source: 'web', lastName: 'Zurita' });
  await ws.req('POST', '/v1/contacts', { email: 'w2@example.com', source: 'web', lastName: 'Abad' });
  await ws.req('POST', '/v1/contacts', { email: 'c1@example.com', source: 'csv' });
});
afterAll(() => t.close());

describe('saved views', () => {
  it('saves a filter, sort and columns and replays them as a search', async () => {
    const res = await ws.req('POST', '/v1/saved-views', view);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ ...view, visibility: 'private', mine: true, version: 1 });
    expect(res.headers.location).toBe(`/v1/saved-views/${res.body.id}`);
    const list = await ws.req('POST', '/v1/contacts/search', { filter: res.body.filter, sort: res.body.sort });
    expect(list.body.data.map((c: { lastName: string }) => c.lastName)).toEqual(['Abad', 'Zurita']);
  });

  it('keeps a private view to its creator: others get 404 on every route and do not list it', async () => {
    const mine = await ws.req('POST', '/v1/saved-views', { ...view, name: 'Mine only' });
    for (const req of [member, other.req]) {
      expect((await req('GET', '/v1/saved-views')).body.data.map((v: { id: string }) => v.id)).not.toContain(mine.body.id);
      expect((await req('GET', `/v1/saved-views/${mine.body.id}`)).status).toBe(404);
      expect((await req('PATCH', `/v1/saved-views/${mine.body.id}`, { name: 'x' })).status).toBe(404);
      expect((await req('DELETE', `/v1/saved-views/${mine.body.id}`)).status).toBe(404);
    }
    expect((await ws.req('GET', `/v1/saved-views/${mine.body.id}`)).body).toMatchObject({ name: 'Mine only', version: 1 });
    // Private means private: even an admin of the workspace does not see a member's private view.
    const theirs = await member('POST', '/v1/saved-views', { name: 'Member private' });
    expect(theirs.status).toBe(201);
    expect((await ws.req('GET', `/v1/saved-views/${theirs.body.id}`)).status).toBe(404);
    expect((await member('GET', `/v1/saved-views/${theirs.body.id}`)).body.mine).toBe(true);
  });

  it('shares a view with the workspace; only its creator or an admin changes it', async () => {
    const shared = await ws.req('POST', '/v1/saved-views', { ...view, name: 'Team view', visibility: 'shared' });
    const seen = await member('GET', `/v1/saved-views/${shared.body.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.mine).toBe(false);
    expect((await member('GET', '/v1/saved-views')).body.data.map((v: { name: string }) => v.name)).toContain('Team view');
    expect((await member('PATCH', `/v1/saved-views/${shared.body.id}`, { name: 'Hijacked' })).status).toBe(403);
    expect((await member('DELETE', `/v1/saved-views/${shared.body.id}`)).status).toBe(403);
    expect((await ws.req('GET', `/v1/saved-views/${shared.body.id}`)).body).toMatchObject({ name: 'Team view', version: 1 });
    expect((await other.req('GET', `/v1/saved-views/${shared.body.id}`)).status).toBe(404);
    const memberShared = await member('POST', '/v1/saved-views', { name: 'Member shared', visibility: 'shared' });
    const renamed = await ws.req('PATCH', `/v1/saved-views/${memberShared.body.id}`, { name: 'Renamed by admin', filter: null });
    expect(renamed.body).toMatchObject({ name: 'Renamed by admin', filter: null, version: 2 });
  });

  it('updates with If-Match and deletes', async () => {
    const v = await ws.req('POST', '/v1/saved-views', { name: 'Temp' });
    expect((await ws.req('PATCH', `/v1/saved-views/${v.body.id}`, { sort: '-updatedAt' }, { 'if-match': '"1"' })).status).toBe(200);
    expect((await ws.req('PATCH', `/v1/saved-views/${v.body.id}`, { sort: 'createdAt' }, { 'if-match': '"1"' })).status).toBe(412);
    expect((await ws.req('DELETE', `/v1/saved-views/${v.body.id}`)).status).toBe(204);
    expect((await ws.req('GET', `/v1/saved-views/${v.body.id}`)).status).toBe(404);
  });

  it.each([
    ['an unknown filter field', { name: 'x', filter: { field: 'colour', op: 'eq', value: 1 } }, '/filter/field'],
    ['an unknown sort', { name: 'x', sort: 'colour' }, '/sort'],
    ['a bad visibility', { name: 'x', visibility: 'public' }, '/visibility'],
    ['an unknown body field', { name: 'x', owner: 'me' }, '/owner'],
    ['an empty name', { name: ' ' }, '/name'],
  ])('rejects %s with a pointer', async (_label, body, pointer) => {
    const res = await ws.req('POST', '/v1/saved-views', body);
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe(pointer);
  });
});
