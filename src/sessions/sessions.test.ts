import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { fixedClock } from '../lib/clock.ts';
import { systemActor } from '../lib/actor.ts';
import { passwordProblems, verifyPassword } from './passwords.ts';
import { networkOf } from './sign-in-budget.ts';

const clock = fixedClock('2026-03-02T09:00:00Z');
let t: TestApp;
let ws: TestWorkspace;
let member: { id: string; email: string };
let ip = 0;
/** Each test its own client address, so the per-IP failure budgets of one test do not touch another. */
const nextIp = () => `10.0.${Math.floor(++ip / 250)}.${ip % 250}`;

const MEMBER_PW = 'correct horse battery';
const OWNER_PW = 'owner passphrase 2026';

type Res = { status: number; headers: Record<string, unknown>; body: any; cookie?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field

async function send(method: string, url: string, opts: { body?: unknown; cookie?: string; headers?: Record<string, string>; ip?: string } = {}): Promise<Res> {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    remoteAddress: opts.ip ?? '10.9.9.9',
    headers: {
      host: 'crm.example.com',
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.cookie ? { cookie: `__Host-vixiees_session=${opts.cookie}` } : {}),
      ...opts.headers,
    },
    payload: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const setCookie = res.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const cookie = raw ? /^__Host-vixiees_session=([^;]*)/.exec(raw)?.[1] : undefined;
  return { status: res.statusCode, headers: res.headers, body: res.body ? JSON.parse(res.body) : undefined, cookie };
}

const signIn = (email: string, password: string, o: { ip?: string; workspaceId?: string } = {}) =>
  send('POST', '/v1/auth/sign-in', { body: { email, password, ...(o.workspaceId ? { workspaceId: o.workspaceId } : {}) }, ip: o.ip ?? nextIp() });

async function session(email = member.email, password = MEMBER_PW) {
  const r = await signIn(email, password);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { cookie: r.cookie!, csrf: r.body.csrfToken as string };
}
const contactCount = async () => (await ws.req('GET', '/v1/contacts?limit=500')).body.data.length;
const ownerEmail = () => `owner@${ws.id}.invalid`;

beforeAll(async () => {
  // A database of its own on PostgreSQL: its clock is fixed in March, and other files' processes
  // (real clocks) purge expired rate-limit windows, which would wipe this file's budgets mid-test.
  t = await startTestApp({ clock, ownDatabase: true });
  ws = await t.workspace({ name: 'Ventas Norte' });
  member = (await ws.req('POST', '/v1/users', { email: 'Marta.Member@Example.com', name: 'Marta', role: 'member' })).body;
  await t.deps.services.sessions.setPassword(systemActor(ws.id), member.id, MEMBER_PW);
  await t.deps.services.sessions.setPassword(systemActor(ws.id), ws.ownerId, OWNER_PW);
});
afterAll(() => t.close());

describe('sign-in, session and sign-out', () => {
  it('signs in: the session shape, a __Host- cookie with every attribute, and only hashes stored', async () => {
    const r = await signIn('  marta.member@EXAMPLE.com ', MEMBER_PW);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      user: { id: member.id, email: 'marta.member@example.com', name: 'Marta', role: 'member' },
      workspace: { id: ws.id, name: 'Ventas Norte', locale: 'es-ES', timeZone: 'Europe/Madrid', defaultCountry: 'ES' },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const raw = String(r.headers['set-cookie']);
    const parts = raw.split(';').map((p) => p.trim());
    expect(parts[0]).toMatch(/^__Host-vixiees_session=[A-Za-z0-9_-]{43}$/);
    expect(parts).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']));
    expect(raw).not.toMatch(/domain=/i);
    expect(Buffer.from(r.cookie!, 'base64url')).toHaveLength(32);

    const again = await send('GET', '/v1/auth/session', { cookie: r.cookie });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(r.body);
    expect(again.headers['cache-control']).toBe('no-store');

    const { rows } = await t.database.raw('SELECT * FROM user_sessions WHERE user_id = $1', [member.id]);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(r.cookie);
    const { rows: pw } = await t.database.raw('SELECT password_hash FROM user_passwords WHERE user_id = $1', [member.id]);
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(String(pw[0]!.password_hash));
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(19456);
    expect(Number(m![2])).toBeGreaterThanOrEqual(2);
  });

  it('answers a wrong password and an unknown email alike: 401 invalid_credentials, same body', async () => {
    const wrong = await signIn(member.email, 'not the password at all');
    const unknown = await signIn('nobody.here@example.com', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body.code).toBe('invalid_credentials');
    expect(wrong.cookie).toBeUndefined();
    expect((await send('GET', '/v1/auth/session')).status).toBe(401);
  });

  it('signs out: 204, cookie cleared, and the old cookie is refused afterwards', async () => {
    const s = await session();
    const out = await send('POST', '/v1/auth/sign-out', { cookie: s.cookie, headers: { 'x-csrf-token': s.csrf } });
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^__Host-vixiees_session=;.*Max-Age=0/);
    const after = await send('GET', '/v1/auth/session', { cookie: s.cookie });
    expect(after.status).toBe(401);
    expect((await send('GET', '/v1/contacts', { cookie: s.cookie })).status).toBe(401);
  });

  it('a new sign-in gives a new id and ends the browser\'s previous session (no fixation)', async () => {
    const first = await session();
    const second = await send('POST', '/v1/auth/sign-in', { body: { email: member.email, password: MEMBER_PW }, cookie: first.cookie, ip: nextIp() });
    expect(second.status).toBe(200);
    expect(second.cookie).not.toBe(first.cookie);
    expect((await send('GET', '/v1/auth/session', { cookie: first.cookie })).status).toBe(401);
    expect((await send('GET', '/v1/auth/session', { cookie: second.cookie })).status).toBe(200);
    expect((await send('GET', '/v1/auth/session', { cookie: 'A'.repeat(43) })).status).toBe(401);
  });
});

describe('the session cookie on the API', () => {
  it('works like an API key for reads, as the user with their role', async () => {
    const s = await session();
    const r = await send('GET', '/v1/users', { cookie: s.cookie });
    expect(r.status).toBe(200);
    expect(r.body.data.map((u: { id: string }) => u.id)).toContain(member.id);
  });

  it('refuses unsafe requests without the CSRF token, with a wrong one, or cross-origin (403, nothing changes)', async () => {
    const s = await session();
    const before = await contactCount();
    const body = { firstName: 'Forged', email: 'forged@example.com' };
    const cases: Record<string, string>[] = [
      {},
      { 'x-csrf-token': 'x'.repeat(43) },
      { 'x-csrf-token': s.csrf, origin: 'https://evil.example' },
      { 'x-csrf-token': s.csrf, origin: 'null' },
      { 'x-csrf-token': s.csrf, 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of cases) {
      const r = await send('POST', '/v1/contacts', { cookie: s.cookie, body, headers });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body.code).toBe('csrf_failed');
    }
    const out = await send('POST', '/v1/auth/sign-out', { cookie: s.cookie });
    expect(out.status).toBe(403);
    expect(await contactCount()).toBe(before);
    expect((await send('GET', '/v1/auth/session', { cookie: s.cookie })).status).toBe(200);

    const good = await send('POST', '/v1/contacts', { cookie: s.cookie, body, headers: { 'x-csrf-token': s.csrf, origin: 'https://crm.example.com', 'sec-fetch-site': 'same-origin' } });
    expect(good.status, JSON.stringify(good.body)).toBe(201);
    expect(await contactCount()).toBe(before + 1);
  });

  it('API keys need no CSRF token', async () => {
    const r = await ws.req('POST', '/v1/contacts', { firstName: 'Keyed', email: 'keyed@example.com' });
    expect(r.status).toBe(201);
  });

  it('a member\'s session cannot do admin things', async () => {
    const s = await session();
    const h = { 'x-csrf-token': s.csrf };
    expect((await send('POST', '/v1/api-keys', { cookie: s.cookie, body: { name: 'sneaky' }, headers: h })).status).toBe(403);
    expect((await send('PATCH', '/v1/workspace', { cookie: s.cookie, body: { locale: 'en-GB' }, headers: h })).status).toBe(403);
    expect((await send('POST', `/v1/users/${ws.ownerId}/invite`, { cookie: s.cookie, headers: h })).status).toBe(403);
    expect((await t.database.raw('SELECT count(*)::int AS n FROM user_invites WHERE user_id = $1', [ws.ownerId])).rows[0]!.n).toBe(0);
  });
});

describe('session lifetime', () => {
  it('ends after 30 minutes idle', async () => {
    const s = await session();
    clock.advance(29 * 60_000);
    expect((await send('GET', '/v1/auth/session', { cookie: s.cookie })).status).toBe(200);
    clock.advance(31 * 60_000);
    const r = await send('GET', '/v1/auth/session', { cookie: s.cookie });
    expect(r.status).toBe(401);
    expect(String(r.headers['set-cookie'])).toMatch(/Max-Age=0/);
  });

  it('rotates the id every 15 minutes (the old one works a few seconds more) and ends at 12 hours whatever the use', async () => {
    let { cookie } = await session();
    const first = cookie;
    clock.advance(16 * 60_000);
    const r = await send('GET', '/v1/auth/session', { cookie });
    expect(r.status).toBe(200);
    expect(r.cookie).toBeDefined();
    expect(r.cookie).not.toBe(first);
    cookie = r.cookie!;
    // A request already in flight with the old cookie still passes, for the grace period only.
    expect((await send('GET', '/v1/auth/session', { cookie: first })).status).toBe(200);
    clock.advance(31_000);
    expect((await send('GET', '/v1/auth/session', { cookie: first })).status).toBe(401);
    expect((await send('GET', '/v1/auth/session', { cookie })).status).toBe(200);

    // Active every 20 minutes: idle never ends it, the absolute lifetime does.
    for (let elapsed = 16; elapsed < 12 * 60 - 20; elapsed += 20) {
      clock.advance(20 * 60_000);
      const step = await send('GET', '/v1/auth/session', { cookie });
      expect(step.status).toBe(200);
      if (step.cookie) cookie = step.cookie;
    }
    clock.advance(40 * 60_000);
    expect((await send('GET', '/v1/auth/session', { cookie })).status).toBe(401);
  });
});

describe('brute force (R33)', () => {
  it('refuses an address after 5 failures with 429 + Retry-After, without locking the real user out from elsewhere', async () => {
    const attacker = nextIp();
    for (let i = 0; i < 5; i++) expect((await signIn(member.email, `guess number ${i}!!`, { ip: attacker })).status).toBe(401);
    const refused = await signIn(member.email, 'guess number 6!!', { ip: attacker });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password is refused from there while the budget is spent (no oracle).
    expect((await signIn(member.email, MEMBER_PW, { ip: attacker })).status).toBe(429);
    // The real user, elsewhere, signs in.
    expect((await signIn(member.email, MEMBER_PW, { ip: nextIp() })).status).toBe(200);
    // And after the wait, the attacker's address may try again (no permanent lockout).
    clock.advance((Number(refused.headers['retry-after']) + 1) * 1000);
    expect((await signIn(member.email, MEMBER_PW, { ip: attacker })).status).toBe(200);
  });

  it('groups addresses by network for the per-network budget (IPv4 /24, IPv6 /64)', () => {
    expect(networkOf('10.1.2.3')).toBe('10.1.2.0/24');
    expect(networkOf('::ffff:10.1.2.200')).toBe('10.1.2.0/24');
    expect(networkOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
  });

  it('1,000 attempts from 50 addresses run at most the budgets\' worth of password checks', async () => {
    const victim = (await ws.req('POST', '/v1/users', { email: 'victim@example.com', name: 'V', role: 'member' })).body;
    await t.deps.services.sessions.setPassword(systemActor(ws.id), victim.id, 'victim passphrase long');
    const ips = Array.from({ length: 50 }, () => nextIp());
    let checked = 0;
    let limited = 0;
    for (let i = 0; i < 1000; i++) {
      const r = await signIn('victim@example.com', `wrong guess ${i}`, { ip: ips[i % 50] });
      if (r.status === 401) checked++;
      else if (r.status === 429) limited++;
    }
    // Per account from all addresses: 50 failures per 15 minutes.
    expect(checked).toBeLessThanOrEqual(50);
    expect(checked + limited).toBe(1000);
    clock.advance(16 * 60_000);
    expect((await signIn('victim@example.com', 'victim passphrase long', { ip: nextIp() })).status).toBe(200);
  });
});

describe('passwords', () => {
  it('changing the password needs the current one, ends the other sessions and renews this one', async () => {
    const user = (await ws.req('POST', '/v1/users', { email: 'changer@example.com', name: 'C', role: 'member' })).body;
    await t.deps.services.sessions.setPassword(systemActor(ws.id), user.id, 'first passphrase here');
    const a = await session('changer@example.com', 'first passphrase here');
    const b = await session('changer@example.com', 'first passphrase here');
    const put = (body: unknown, s = a) => send('PUT', '/v1/users/me/password', { cookie: s.cookie, body, headers: { 'x-csrf-token': s.csrf } });

    const wrong = await put({ currentPassword: 'not it at all', newPassword: 'second passphrase here' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0]).toMatchObject({ pointer: '/currentPassword', code: 'wrong_password' });
    for (const [pw, code] of [['short one', 'too_short'], ['password1234', 'password_too_common'], ['changer@example.com', 'password_is_email'], ['x'.repeat(129), 'too_long']] as const) {
      const r = await put({ currentPassword: 'first passphrase here', newPassword: pw });
      expect(r.status, pw).toBe(422);
      expect(r.body.errors[0]).toMatchObject({ pointer: '/newPassword', code });
    }
    expect((await send('GET', '/v1/auth/session', { cookie: b.cookie })).status).toBe(200);
    expect((await ws.req('PUT', '/v1/users/me/password', { currentPassword: 'first passphrase here', newPassword: 'second passphrase here' })).status).toBe(403);

    const changed = await put({ currentPassword: 'first passphrase here', newPassword: 'second passphrase here' });
    expect(changed.status).toBe(204);
    expect(changed.cookie).toBeDefined();
    expect((await send('GET', '/v1/auth/session', { cookie: b.cookie })).status).toBe(401);
    expect((await send('GET', '/v1/auth/session', { cookie: a.cookie })).status).toBe(401);
    expect((await send('GET', '/v1/auth/session', { cookie: changed.cookie })).status).toBe(200);
    expect((await signIn('changer@example.com', 'first passphrase here')).status).toBe(401);
    expect((await signIn('changer@example.com', 'second passphrase here')).status).toBe(200);
  });

  it('policy: 12–128 characters, any characters, no truncation', async () => {
    expect(passwordProblems('twelve chars', 'x@example.com')).toEqual([]);
    expect(passwordProblems('eleven char', 'x@example.com')[0]?.code).toBe('too_short');
    expect(passwordProblems('contraseñaÑandú🙂', 'x@example.com')).toEqual([]);
    expect(passwordProblems('abcd'.repeat(32), 'x@example.com')).toEqual([]);
    expect(passwordProblems('abcd'.repeat(32) + 'e', 'x@example.com')[0]?.code).toBe('too_long');
    expect(passwordProblems('🙂'.repeat(128), 'x@example.com')[0]?.code).toBe('password_too_common');
    expect(passwordProblems('aaaaaaaaaaaaaaaa', 'x@example.com')[0]?.code).toBe('password_too_common');
    const long = 'k'.repeat(72) + 'A' + 'tail of the phrase';
    const stored = await hash(long, { algorithm: 2 });
    expect(await verifyPassword(stored, long)).toBe(true);
    expect(await verifyPassword(stored, 'k'.repeat(72) + 'B' + 'tail of the phrase')).toBe(false);
    expect(await verifyPassword(await hash('contraseñaÑandú🙂', { algorithm: 2 }), 'contraseñaÑandú🙂')).toBe(true);
  });

  it('a hash below today\'s parameters is upgraded at the next sign-in', async () => {
    const user = (await ws.req('POST', '/v1/users', { email: 'legacy@example.com', name: 'L', role: 'member' })).body;
    await t.deps.services.sessions.setPassword(systemActor(ws.id), user.id, 'legacy passphrase ok');
    const weak = await hash('legacy passphrase ok', { algorithm: 2, memoryCost: 4096, timeCost: 1 });
    await t.database.raw('UPDATE user_passwords SET password_hash = $1 WHERE user_id = $2', [weak, user.id]);
    expect((await signIn('legacy@example.com', 'legacy passphrase ok')).status).toBe(200);
    const { rows } = await t.database.raw('SELECT password_hash FROM user_passwords WHERE user_id = $1', [user.id]);
    expect(String(rows[0]!.password_hash)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('workspaces and invites', () => {
  it('asks which workspace when the password opens several, and signs in to the chosen one', async () => {
    const other = await t.workspace({ name: 'Ventas Sur' });
    const twin = (await other.req('POST', '/v1/users', { email: member.email, name: 'Marta', role: 'admin' })).body;
    await t.deps.services.sessions.setPassword(systemActor(other.id), twin.id, MEMBER_PW);
    const r = await signIn(member.email, MEMBER_PW);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('workspace_choice_required');
    expect(r.body.workspaces).toEqual(expect.arrayContaining([{ id: ws.id, name: 'Ventas Norte' }, { id: other.id, name: 'Ventas Sur' }]));
    // A's session never sees B's user; B's workspace id does not open B with A's password.
    const mine = await signIn(member.email, MEMBER_PW, { workspaceId: ws.id });
    expect(mine.status).toBe(200);
    expect((await send('GET', `/v1/users/${twin.id}`, { cookie: mine.cookie })).status).toBe(404);
    const third = await t.workspace({ name: 'Ajeno' });
    expect((await signIn(member.email, MEMBER_PW, { workspaceId: third.id })).status).toBe(401);
    const chosen = await signIn(member.email, MEMBER_PW, { workspaceId: other.id });
    expect(chosen.status).toBe(200);
    expect(chosen.body.user).toMatchObject({ id: twin.id, role: 'admin' });
    // A password that opens only one of them signs in there directly.
    await t.deps.services.sessions.setPassword(systemActor(other.id), twin.id, 'a different passphrase');
    const direct = await signIn(member.email, MEMBER_PW);
    expect(direct.status).toBe(200);
    expect(direct.body.workspace.id).toBe(ws.id);
  });

  it('an admin\'s invite sets the password once and signs in; used, replaced or expired links are refused', async () => {
    const invitee = (await ws.req('POST', '/v1/users', { email: 'nuevo@example.com', name: 'Nuevo', role: 'member' })).body;
    const admin = await session(ownerEmail(), OWNER_PW);
    const inv = await send('POST', `/v1/users/${invitee.id}/invite`, { cookie: admin.cookie, headers: { 'x-csrf-token': admin.csrf } });
    expect(inv.status).toBe(201);
    expect(inv.body.inviteUrl).toMatch(/^http:\/\/crm\.example\.com\/invite#token=[A-Za-z0-9_-]{43}$/);
    const token = inv.body.inviteUrl.split('#token=')[1];
    const { rows } = await t.database.raw('SELECT * FROM user_invites WHERE user_id = $1', [invitee.id]);
    expect(JSON.stringify(rows)).not.toContain(token);

    const weak = await send('POST', '/v1/auth/accept-invite', { body: { token, password: 'short' } });
    expect(weak.status).toBe(422);
    const accepted = await send('POST', '/v1/auth/accept-invite', { body: { token, password: 'mi nueva contraseña' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user.id).toBe(invitee.id);
    expect((await send('GET', '/v1/auth/session', { cookie: accepted.cookie })).status).toBe(200);
    const again = await send('POST', '/v1/auth/accept-invite', { body: { token, password: 'otra contraseña más' } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_invite');
    expect((await signIn('nuevo@example.com', 'mi nueva contraseña')).status).toBe(200);

    const older = (await ws.req('POST', `/v1/users/${invitee.id}/invite`)).body.inviteUrl.split('#token=')[1];
    const newer = (await ws.req('POST', `/v1/users/${invitee.id}/invite`)).body.inviteUrl.split('#token=')[1];
    expect((await send('POST', '/v1/auth/accept-invite', { body: { token: older, password: 'otra contraseña más' } })).status).toBe(400);
    clock.advance(8 * 24 * 3_600_000);
    expect((await send('POST', '/v1/auth/accept-invite', { body: { token: newer, password: 'otra contraseña más' } })).status).toBe(400);
    expect((await send('POST', '/v1/auth/accept-invite', { body: { token: 'nonsense', password: 'otra contraseña más' } })).status).toBe(400);
    expect((await ws.req('POST', `/v1/users/00000000-0000-7000-8000-000000000000/invite`)).status).toBe(404);
    const keyed = await ws.req('POST', `/v1/users/${invitee.id}/invite`, undefined, { 'idempotency-key': 'invite-1' });
    expect(keyed.status).toBe(400);
    expect(keyed.body.errors[0].pointer).toBe('/headers/idempotency-key');
  });
});

describe('auth events in the log', () => {
  it('logs each sign-in, failure, sign-out, CSRF refusal and 429 once, with user and address, never a secret', async () => {
    const { Writable } = await import('node:stream');
    const { buildApp } = await import('../app.ts');
    const { makeLogger } = await import('../lib/logger.ts');
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _e, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
    const logged = await buildApp(t.deps, { logger: makeLogger('trace', sink) });
    const go = async (method: string, url: string, o: { body?: unknown; cookie?: string; headers?: Record<string, string>; ip?: string } = {}) => {
      const res = await logged.inject({
        method: method as 'GET', url, remoteAddress: o.ip ?? '10.200.0.1',
        headers: { ...(o.body ? { 'content-type': 'application/json' } : {}), ...(o.cookie ? { cookie: `__Host-vixiees_session=${o.cookie}` } : {}), ...o.headers },
        payload: o.body ? JSON.stringify(o.body) : undefined,
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, cookie: /^__Host-vixiees_session=([^;]*)/.exec(String(res.headers['set-cookie'] ?? ''))?.[1] };
    };
    try {
      const email = 'logged.user@example.com';
      const pw = 'a passphrase never logged';
      const user = (await ws.req('POST', '/v1/users', { email, name: 'Logged', role: 'member' })).body;
      await t.deps.services.sessions.setPassword(systemActor(ws.id), user.id, pw);
      const ok = await go('POST', '/v1/auth/sign-in', { body: { email, password: pw } });
      expect(ok.status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await go('POST', '/v1/auth/sign-in', { body: { email, password: `wrong secret ${i}` }, ip: '10.200.0.2' })).status).toBe(401);
      expect((await go('POST', '/v1/auth/sign-in', { body: { email, password: 'wrong secret 6' }, ip: '10.200.0.2' })).status).toBe(429);
      expect((await go('POST', '/v1/contacts', { cookie: ok.cookie, body: { firstName: 'X', email: 'x@example.com' } })).status).toBe(403);
      expect((await go('POST', '/v1/auth/sign-out', { cookie: ok.cookie, headers: { 'x-csrf-token': ok.body.csrfToken } })).status).toBe(204);

      const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => typeof e.event === 'string');
      const count = (name: string) => events.filter((e) => e.event === name).length;
      expect(count('sign_in')).toBe(1);
      expect(count('sign_in_failed')).toBe(5);
      expect(count('sign_in_rate_limited')).toBe(1);
      expect(count('csrf_failed')).toBe(1);
      expect(count('sign_out')).toBe(1);
      expect(events.find((e) => e.event === 'sign_in')).toMatchObject({ userId: user.id, workspaceId: ws.id, ip: '10.200.0.1' });
      expect(events.find((e) => e.event === 'sign_in_failed')).toMatchObject({ userId: user.id, ip: '10.200.0.2' });
      expect(events.find((e) => e.event === 'csrf_failed')).toMatchObject({ userId: user.id, ip: '10.200.0.1' });
      const all = lines.join('\n');
      for (const secret of [pw, 'wrong secret', ok.cookie!, ok.body.csrfToken]) expect(all).not.toContain(secret);
    } finally {
      await logged.close();
    }
  });
});

describe('hostile input', () => {
  it('answers bad bodies and cookies with a problem naming the field, never a 5xx', async () => {
    const s = await session(ownerEmail(), OWNER_PW);
    const h = { 'x-csrf-token': s.csrf };
    const cases: [string, string, unknown, Record<string, string>?][] = [
      ['POST', '/v1/auth/sign-in', {}],
      ['POST', '/v1/auth/sign-in', { email: 'a@b.c', password: 'x'.repeat(5000) }],
      ['POST', '/v1/auth/sign-in', { email: 'a@b.c', password: 'long enough pw', workspaceId: 'not-a-uuid' }],
      ['POST', '/v1/auth/sign-in', { email: 'a@b.c', password: 'long enough pw', role: 'owner' }],
      ['POST', '/v1/auth/sign-in', { email: 42, password: null }],
      ['POST', '/v1/auth/accept-invite', { token: 'x'.repeat(500), password: 'long enough pw' }],
      ['POST', '/v1/auth/accept-invite', { token: '' }],
      ['PUT', '/v1/users/me/password', { newPassword: 'only the new one' }, h],
      ['PUT', '/v1/users/me/password', { currentPassword: OWNER_PW, newPassword: 'x'.repeat(2000) }, h],
    ];
    for (const [method, url, body, headers] of cases) {
      const r = await send(method, url, { body, cookie: url.startsWith('/v1/users') ? s.cookie : undefined, headers, ip: nextIp() });
      expect(r.status, `${method} ${url} ${JSON.stringify(body).slice(0, 80)}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(typeof r.body.code).toBe('string');
    }
    expect((await send('POST', '/v1/users/not-a-uuid/invite', { cookie: s.cookie, headers: h })).body.errors[0].pointer).toBe('/params/id');
    for (const cookie of ['', ';;;', '"quoted"', 'é'.repeat(43), 'A'.repeat(5000)]) {
      const r = await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie: `__Host-vixiees_session=${cookie}` } });
      expect(r.statusCode, cookie).toBe(401);
    }
    expect((await send('GET', '/v1/auth/session', { cookie: s.cookie })).status).toBe(200);
  });
});
