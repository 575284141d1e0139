import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { systemActor } from '../lib/actor.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let adminKey: TestWorkspace['req'];
let memberKey: TestWorkspace['req'];

const PASSWORD = 'team roles passphrase';
/** Emails are unique per run: on PostgreSQL every test file shares one database, and sign-in looks an email up across workspaces. */
const email = (who: string) => `${who}.${randomUUID().slice(0, 8)}@example.com`;

type Res = { status: number; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field

async function anon(method: string, url: string, opts: { body?: unknown; cookie?: string } = {}): Promise<Res & { cookie?: string }> {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    remoteAddress: `10.7.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    headers: {
      host: 'crm.example.com',
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.cookie ? { cookie: `__Host-vixiees_session=${opts.cookie}` } : {}),
    },
    payload: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const raw = [res.headers['set-cookie']].flat()[0];
  const cookie = raw ? /^__Host-vixiees_session=([^;]*)/.exec(raw)?.[1] : undefined;
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, cookie };
}

async function addUser(role: 'owner' | 'admin' | 'member', who: string = role) {
  const res = await ws.req('POST', '/v1/users', { email: email(who), name: who, role });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; email: string; role: string; version: number };
}

async function signedIn(user: { id: string; email: string }) {
  await t.deps.services.sessions.setPassword(systemActor(ws.id), user.id, PASSWORD);
  const res = await anon('POST', '/v1/auth/sign-in', { body: { email: user.email, password: PASSWORD } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.cookie!;
}

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  adminKey = ws.as((await ws.req('POST', '/v1/api-keys', { name: 'admin', role: 'admin' })).body.secret);
  memberKey = ws.as((await ws.req('POST', '/v1/api-keys', { name: 'member', role: 'member' })).body.secret);
});
afterAll(() => t.close());

describe('changing a user (PATCH /v1/users/{id})', () => {
  it('renames and changes the role with If-Match; a stale ETag is a 412 and changes nothing', async () => {
    const u = await addUser('member');
    const got = await ws.req('GET', `/v1/users/${u.id}`);
    expect(got.headers.etag).toBe('"1"');
    expect(got.body).toMatchObject({ role: 'member', deactivatedAt: null, version: 1 });
    const changed = await ws.req('PATCH', `/v1/users/${u.id}`, { role: 'admin', name: 'Ana Admin' }, { 'if-match': '"1"' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    expect(changed.body).toMatchObject({ id: u.id, role: 'admin', name: 'Ana Admin', version: 2 });
    const stale = await ws.req('PATCH', `/v1/users/${u.id}`, { role: 'member' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'precondition_failed', currentVersion: 2 });
    expect((await ws.req('GET', `/v1/users/${u.id}`)).body.role).toBe('admin');
  });

  it('a new role applies to the user\'s open session at once', async () => {
    const u = await addUser('member');
    const cookie = await signedIn(u);
    expect((await anon('GET', '/v1/auth/session', { cookie })).body.user.role).toBe('member');
    expect((await ws.req('PATCH', `/v1/users/${u.id}`, { role: 'admin' })).status).toBe(200);
    expect((await anon('GET', '/v1/auth/session', { cookie })).body.user.role).toBe('admin');
  });

  it('members may not change users; admins may, but not give or take the owner role', async () => {
    const u = await addUser('member');
    const byMember = await memberKey('PATCH', `/v1/users/${u.id}`, { role: 'admin' });
    expect(byMember.status).toBe(403);
    expect(byMember.body.code).toBe('forbidden');
    expect((await adminKey('PATCH', `/v1/users/${u.id}`, { role: 'admin' })).body.role).toBe('admin');
    expect((await adminKey('PATCH', `/v1/users/${u.id}`, { role: 'owner' })).status).toBe(403);
    const owner = await addUser('owner', 'second-owner');
    expect((await adminKey('PATCH', `/v1/users/${owner.id}`, { role: 'member' })).status).toBe(403);
    expect((await adminKey('PATCH', `/v1/users/${owner.id}`, { name: 'Renamed by an admin' })).status).toBe(200);
    expect((await ws.req('GET', `/v1/users/${owner.id}`)).body.role).toBe('owner');
  });

  it('refuses bad input with problem+json and the field, and another workspace\'s user is a 404', async () => {
    const u = await addUser('member');
    const badRole = await ws.req('PATCH', `/v1/users/${u.id}`, { role: 'superuser' });
    expect(badRole.status).toBe(422);
    expect(badRole.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(badRole.body.errors[0].pointer).toBe('/role');
    const unknown = await ws.req('PATCH', `/v1/users/${u.id}`, { email: 'x@example.com' });
    expect(unknown.status).toBe(422);
    const theirs = await ws.req('PATCH', `/v1/users/${other.ownerId}`, { role: 'member' });
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('not_found');
    expect((await other.req('GET', `/v1/users/${other.ownerId}`)).body.role).toBe('owner');
    expect((await ws.req('POST', `/v1/users/${other.ownerId}/deactivate`)).status).toBe(404);
  });
});

describe('the last owner', () => {
  it('cannot be demoted or removed (409 last_owner); with a second owner one of them can', async () => {
    const solo = await t.workspace();
    const demote = await solo.req('PATCH', `/v1/users/${solo.ownerId}`, { role: 'admin' });
    expect(demote.status).toBe(409);
    expect(demote.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(demote.body).toMatchObject({ code: 'last_owner', status: 409 });
    expect((await solo.req('POST', `/v1/users/${solo.ownerId}/deactivate`)).body.code).toBe('last_owner');
    expect((await solo.req('GET', `/v1/users/${solo.ownerId}`)).body).toMatchObject({ role: 'owner', deactivatedAt: null, version: 1 });

    const second = (await solo.req('POST', '/v1/users', { email: email('co-owner'), role: 'owner' })).body;
    expect((await solo.req('PATCH', `/v1/users/${solo.ownerId}`, { role: 'admin' })).status).toBe(200);
    expect((await solo.req('POST', `/v1/users/${second.id}/deactivate`)).body.code).toBe('last_owner');
  });

  it('two owners demoting each other at once: one succeeds, the other is refused', async () => {
    const duo = await t.workspace();
    const b = (await duo.req('POST', '/v1/users', { email: email('duo'), role: 'owner' })).body;
    const [x, y] = await Promise.all([
      duo.req('PATCH', `/v1/users/${duo.ownerId}`, { role: 'member' }),
      duo.req('PATCH', `/v1/users/${b.id}`, { role: 'member' }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const owners = (await duo.req('GET', '/v1/users')).body.data.filter((u: { role: string }) => u.role === 'owner');
    expect(owners).toHaveLength(1);
  });
});

describe('removing a user (POST /v1/users/{id}/deactivate)', () => {
  it('ends their sessions, voids their invites, stops sign-in, and keeps them listed as removed', async () => {
    const u = await addUser('member', 'leaver');
    const cookie = await signedIn(u);
    const invite = await ws.req('POST', `/v1/users/${u.id}/invite`);
    expect(invite.status).toBe(201);
    const token = String(invite.body.inviteUrl).split('#token=')[1];

    const removed = await ws.req('POST', `/v1/users/${u.id}/deactivate`, undefined, { 'if-match': '"1"' });
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body.deactivatedAt).toEqual(expect.any(String));
    expect(removed.headers.etag).toBe('"2"');

    expect((await anon('GET', '/v1/auth/session', { cookie })).status).toBe(401);
    expect((await anon('POST', '/v1/auth/accept-invite', { body: { token, password: 'a brand new passphrase' } })).body.code).toBe('invalid_invite');
    const signIn = await anon('POST', '/v1/auth/sign-in', { body: { email: u.email, password: PASSWORD } });
    expect(signIn.status).toBe(401);
    const { rows } = await t.database.raw('SELECT count(*)::int AS n FROM user_sessions WHERE user_id = $1 AND revoked_at IS NULL', [u.id]);
    expect(rows[0]!.n).toBe(0);

    const listed = (await ws.req('GET', '/v1/users')).body.data.find((x: { id: string }) => x.id === u.id);
    expect(listed.deactivatedAt).toBe(removed.body.deactivatedAt);
    const owned = await ws.req('POST', '/v1/contacts', { email: email('contact'), ownerId: u.id });
    expect(owned.status).toBe(422);
    expect(owned.body.errors[0].pointer).toBe('/ownerId');

    const again = await ws.req('POST', `/v1/users/${u.id}/deactivate`);
    expect(again.body).toEqual(removed.body);
  });

  it("their API keys act with at most the user's current role, and stop working when the user is removed", async () => {
    const u = await addUser('admin', 'keyholder');
    const asUser = { workspaceId: ws.id, role: 'admin' as const, userId: u.id, type: 'user' as const, principalId: u.id };
    // Keys not used before each change (a verified key is cached for two seconds, like a revocation).
    const keyA = (await t.deps.services.apiKeys.create(asUser, { name: 'a', role: 'admin' })).secret;
    const keyB = (await t.deps.services.apiKeys.create(asUser, { name: 'b', role: 'admin' })).secret;
    expect((await ws.req('PATCH', `/v1/users/${u.id}`, { role: 'member' })).status).toBe(200);
    expect((await ws.as(keyA)('GET', '/v1/api-keys')).status).toBe(403);
    expect((await ws.as(keyA)('GET', '/v1/contacts?limit=1')).status).toBe(200);
    expect((await ws.req('POST', `/v1/users/${u.id}/deactivate`)).status).toBe(200);
    expect((await ws.as(keyB)('GET', '/v1/contacts?limit=1')).status).toBe(401);
    // keyA was used (and cached) just before: removing the user forgets it in this process at once.
    expect((await ws.as(keyA)('GET', '/v1/contacts?limit=1')).status).toBe(401);
  });

  it('reactivating lets the user sign in again, but old sessions stay ended', async () => {
    const u = await addUser('member', 'returner');
    const cookie = await signedIn(u);
    expect((await ws.req('POST', `/v1/users/${u.id}/deactivate`)).status).toBe(200);
    const back = await ws.req('POST', `/v1/users/${u.id}/reactivate`);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ deactivatedAt: null, role: 'member', version: 3 });
    expect((await anon('GET', '/v1/auth/session', { cookie })).status).toBe(401);
    expect((await anon('POST', '/v1/auth/sign-in', { body: { email: u.email, password: PASSWORD } })).status).toBe(200);
  });

  it('members may not remove anyone; admins may remove members but not owners', async () => {
    const u = await addUser('member');
    expect((await memberKey('POST', `/v1/users/${u.id}/deactivate`)).status).toBe(403);
    expect((await adminKey('POST', `/v1/users/${u.id}/deactivate`)).status).toBe(200);
    expect((await memberKey('POST', `/v1/users/${u.id}/reactivate`)).status).toBe(403);
    const owner = await addUser('owner', 'kept-owner');
    expect((await adminKey('POST', `/v1/users/${owner.id}/deactivate`)).status).toBe(403);
    expect((await ws.req('GET', `/v1/users/${owner.id}`)).body.deactivatedAt).toBeNull();
  });
});
