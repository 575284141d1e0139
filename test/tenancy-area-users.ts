import { systemActor } from '../src/lib/actor.ts';
import type { TenancyArea } from './tenancy-areas.ts';
import { nf, pointer } from './tenancy-probes.ts';

const PASSWORD = 'tenancy probe passphrase';

/**
 * Tenancy fixtures of the users area (see tenancy-areas.ts). Each workspace's member gets a
 * password and a signed-in session; A's probes send A's session cookie (with no API key) where
 * the route is about the signed-in user.
 */
export const usersArea: TenancyArea = {
  async seed(t, ws, seeded) {
    await t.deps.services.sessions.setPassword(systemActor(ws.id), seeded.userId, PASSWORD);
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: seeded.userEmail, password: PASSWORD, workspaceId: ws.id } });
    if (res.statusCode !== 200) throw new Error(`seeding: sign-in answered ${res.statusCode} ${res.body}`);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    return { sessionCookie: cookie, sessionCsrf: JSON.parse(res.body).csrfToken as string };
  },
  fixtures: {
    'GET /v1/auth/session': {
      why: 'No id: the session\'s own user and workspace (A\'s), never B\'s; with an API key there is no session (401).',
      probes: (a) => [
        { url: '/v1/auth/session', headers: { authorization: '', cookie: a.extra.sessionCookie! }, status: 200, mustInclude: [a.userId, a.ws.id] },
        { url: '/v1/auth/session', status: 401, code: 'unauthenticated' },
      ],
    },
    'POST /v1/auth/sign-out': {
      why: 'No id: ends the caller\'s own session only (with an API key, none); B\'s sessions are in the unchanged snapshot.',
      probes: () => [{ url: '/v1/auth/sign-out', status: 204 }],
    },
    'PUT /v1/users/me/password': {
      why: 'No id: the signed-in user\'s own password (A\'s); a wrong current password changes nothing; an API key has no user session (403).',
      probes: (a) => [
        {
          url: '/v1/users/me/password', headers: { authorization: '', cookie: a.extra.sessionCookie!, 'x-csrf-token': a.extra.sessionCsrf! },
          body: { currentPassword: 'not the password at all', newPassword: 'another long passphrase' }, status: 422, code: 'validation_failed', check: pointer('/currentPassword'),
        },
        { url: '/v1/users/me/password', body: { currentPassword: PASSWORD, newPassword: 'another long passphrase' }, status: 403, code: 'forbidden' },
      ],
    },
    'POST /v1/users/:id/invite': {
      why: 'Addressed by B\'s user id: 404 like an id that does not exist, and no invite written for B; A\'s own user gets one.',
      probes: (a, b) => [nf(`/v1/users/${b.userId}/invite`), nf(`/v1/users/${b.ws.ownerId}/invite`), { url: `/v1/users/${a.userId}/invite`, status: 201 }],
    },
    'PATCH /v1/users/:id': {
      why: 'Addressed by B\'s user id: 404 like an id that does not exist, and B\'s user keeps role and name; A\'s only owner cannot be demoted (409), A\'s member can be renamed.',
      probes: (a, b) => [
        nf(`/v1/users/${b.userId}`, { role: 'admin' }, 'PATCH'),
        nf(`/v1/users/${b.ws.ownerId}`, { role: 'member' }, 'PATCH'),
        { method: 'PATCH', url: `/v1/users/${a.ws.ownerId}`, body: { role: 'admin' }, status: 409, code: 'last_owner' },
        { method: 'PATCH', url: `/v1/users/${a.userId}`, body: { name: 'Renamed member' }, status: 200, mustInclude: [a.userId] },
      ],
    },
    'POST /v1/users/:id/deactivate': {
      why: 'Addressed by B\'s user id: 404, and B\'s user stays active with its sessions (the snapshot); A\'s only owner cannot be removed (409). A\'s member is not removed: later probes sign in as them.',
      probes: (a, b) => [nf(`/v1/users/${b.userId}/deactivate`), nf(`/v1/users/${b.ws.ownerId}/deactivate`), { url: `/v1/users/${a.ws.ownerId}/deactivate`, status: 409, code: 'last_owner' }],
    },
    'POST /v1/users/:id/reactivate': {
      why: 'Addressed by B\'s user id: 404 and nothing written to B; A\'s active member answers as they are.',
      probes: (a, b) => [nf(`/v1/users/${b.userId}/reactivate`), { url: `/v1/users/${a.userId}/reactivate`, status: 200, mustInclude: [a.userId] }],
    },
  },
};
