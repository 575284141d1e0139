import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { buildApp } from '../app.ts';
import { makeDeps } from '../deps.ts';
import { fixedClock } from '../lib/clock.ts';
import { queryRows } from '../lib/db.ts';
import { SETTINGS_TTL_MS } from '../workspaces/workspace-settings.ts';
import { hashApiKey } from './api-keys.service.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
});
afterAll(() => t.close());

describe('API keys', () => {
  it('shows the secret once, stores only its hash, and lists keys without secrets', async () => {
    const created = await ws.req('POST', '/v1/api-keys', { name: 'Zapier', role: 'member' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^vx_live_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.secret.startsWith(created.body.prefix)).toBe(true);
    const stored = await queryRows<{ secret_hash: string }>(t.database.systemDb, sql`SELECT secret_hash FROM api_keys WHERE workspace_id = ${ws.id} AND id = ${created.body.id}`);
    expect(stored[0]!.secret_hash).toBe(hashApiKey(created.body.secret));
    expect(JSON.stringify(stored)).not.toContain(created.body.secret);
    const list = await ws.req('GET', '/v1/api-keys');
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(created.body.id);
    expect(list.text).not.toContain(created.body.secret);
    expect(list.body.data[0].secret).toBeUndefined();
  });

  it('refuses an Idempotency-Key on key creation, so no stored replay ever holds a secret', async () => {
    const keyed = await ws.req('POST', '/v1/api-keys', { name: 'Retried', role: 'member' }, { 'idempotency-key': 'create-key-1' });
    expect(keyed.status).toBe(400);
    expect(keyed.body.code).toBe('idempotency_key_not_accepted');
    expect(keyed.body.errors[0].pointer).toBe('/headers/idempotency-key');
    const keys = await ws.req('GET', '/v1/api-keys');
    expect(keys.body.data.map((k: { name: string }) => k.name)).not.toContain('Retried');
    const stored = await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'create-key-1'`);
    expect(stored[0]!.n).toBe(0);
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const params = (doc.paths['/v1/api-keys'].post.parameters ?? []).map((p: { $ref?: string }) => p.$ref);
    expect(params).not.toContain('#/components/parameters/IdempotencyKey');
    expect(doc.paths['/v1/contacts'].post.parameters.map((p: { $ref?: string }) => p.$ref)).toContain('#/components/parameters/IdempotencyKey');
  });

  it('lets members work contacts but not manage keys, users or settings', async () => {
    const member = await ws.req('POST', '/v1/api-keys', { name: 'member', role: 'member' });
    const asMember = ws.as(member.body.secret);
    expect((await asMember('POST', '/v1/contacts', { email: 'member-made@example.com' })).status).toBe(201);
    for (const [method, url, body] of [
      ['GET', '/v1/api-keys', undefined],
      ['POST', '/v1/api-keys', { name: 'x' }],
      ['DELETE', `/v1/api-keys/${member.body.id}`, undefined],
      ['POST', '/v1/users', { email: 'new@example.com', role: 'member' }],
      ['PATCH', '/v1/workspace', { defaultCountry: 'MX' }],
    ] as const) {
      const res = await asMember(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
  });

  it('does not let an admin mint an owner key', async () => {
    const admin = await ws.req('POST', '/v1/api-keys', { name: 'admin', role: 'admin' });
    const res = await ws.as(admin.body.secret)('POST', '/v1/api-keys', { name: 'escalate', role: 'owner' });
    expect(res.status).toBe(403);
  });

  it('hides another workspace’s key: revoking it is a 404 and it keeps working', async () => {
    const theirs = await other.req('POST', '/v1/api-keys', { name: 'theirs' });
    const res = await ws.req('DELETE', `/v1/api-keys/${theirs.body.id}`);
    expect(res.status).toBe(404);
    expect((await other.as(theirs.body.secret)('GET', '/v1/contacts')).status).toBe(200);
    const list = await ws.req('GET', '/v1/api-keys');
    expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(theirs.body.id);
  });
});

describe('workspace and users', () => {
  it('reads and changes settings; the default country drives phone parsing', async () => {
    const w = await t.workspace({ defaultCountry: 'ES' });
    expect((await w.req('GET', '/v1/workspace')).body).toMatchObject({ id: w.id, defaultCountry: 'ES', timeZone: 'Europe/Madrid', locale: 'es-ES' });
    const patched = await w.req('PATCH', '/v1/workspace', { defaultCountry: 'MX', timeZone: 'America/Mexico_City', locale: 'es-MX' });
    expect(patched.body).toMatchObject({ defaultCountry: 'MX', timeZone: 'America/Mexico_City', locale: 'es-MX' });
    const c = await w.req('POST', '/v1/contacts', { phone: '55 1234 5678' });
    expect(c.body.phone).toBe('+525512345678');
  });

  it.each([
    [{ defaultCountry: 'spain' }, '/defaultCountry'],
    [{ timeZone: 'Mars/Olympus' }, '/timeZone'],
    [{ locale: 'not a locale!' }, '/locale'],
    [{ name: '' }, '/name'],
  ])('rejects bad settings %j', async (body, pointer) => {
    const res = await ws.req('PATCH', '/v1/workspace', body);
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe(pointer);
  });

  it('adds users that can own contacts, and refuses a duplicate email', async () => {
    const u = await ws.req('POST', '/v1/users', { email: 'Seller@Example.com', name: 'Seller', role: 'member' });
    expect(u.status).toBe(201);
    expect((await ws.req('POST', '/v1/users', { email: 'seller@example.com', role: 'member' })).status).toBe(409);
    const c = await ws.req('POST', '/v1/contacts', { email: 'owned@example.com', ownerId: u.body.id });
    expect(c.body.ownerId).toBe(u.body.id);
    expect((await other.req('GET', `/v1/users/${u.body.id}`)).status).toBe(404);
    const theirList = await other.req('GET', '/v1/users');
    expect(theirList.body.data.map((x: { id: string }) => x.id)).not.toContain(u.body.id);
  });
});

describe('lastUsedAt', () => {
  const clock = fixedClock('2026-11-28T09:00:00.000Z');
  let c: TestApp;
  let w: TestWorkspace;
  let second: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    c = await startTestApp({ clock });
    w = await c.workspace();
    // A second API process over the same database (as two servers behind a load balancer).
    second = await buildApp(await makeDeps(c.deps.config, c.database, clock), { logger: false });
  });
  afterAll(async () => {
    await second.close();
    await c.close();
  });

  const lastUsed = async (id: string) =>
    (await queryRows<{ last_used_at: Date | string | null }>(c.database.systemDb, sql`SELECT last_used_at FROM api_keys WHERE id = ${id}`))[0]!.last_used_at;
  const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

  it('is written on first use, then at most once a minute per key, whichever process serves it', async () => {
    const key = await w.req('POST', '/v1/api-keys', { name: 'integration', role: 'member' });
    expect(iso(await lastUsed(key.body.id))).toBeNull();
    const use = w.as(key.body.secret);

    expect((await use('GET', '/v1/contacts')).status).toBe(200);
    expect(iso(await lastUsed(key.body.id))).toBe('2026-11-28T09:00:00.000Z');

    // Within the minute: past the 2 s verification cache, through both processes, no write.
    for (const step of [1_000, 5_000, 20_000, 30_000]) {
      clock.set(new Date(Date.parse('2026-11-28T09:00:00.000Z') + step));
      expect((await use('GET', '/v1/contacts')).status).toBe(200);
      const res = await second.inject({ method: 'GET', url: '/v1/contacts', headers: { authorization: `Bearer ${key.body.secret}` } });
      expect(res.statusCode).toBe(200);
    }
    expect(iso(await lastUsed(key.body.id))).toBe('2026-11-28T09:00:00.000Z');

    clock.set('2026-11-28T09:01:05.000Z');
    const res = await second.inject({ method: 'GET', url: '/v1/contacts', headers: { authorization: `Bearer ${key.body.secret}` } });
    expect(res.statusCode).toBe(200);
    expect(iso(await lastUsed(key.body.id))).toBe('2026-11-28T09:01:05.000Z');
    // The first process learns the fresh value when its cached entry expires: no second write.
    clock.set('2026-11-28T09:01:30.000Z');
    expect((await use('GET', '/v1/contacts')).status).toBe(200);
    expect(iso(await lastUsed(key.body.id))).toBe('2026-11-28T09:01:05.000Z');

    const listed = await w.req('GET', '/v1/api-keys');
    expect(listed.body.data.find((k: { id: string }) => k.id === key.body.id).lastUsedAt).toBe('2026-11-28T09:01:05.000Z');
  });

  it('workspace settings: seen at once by the process that changed them, by another within SETTINGS_TTL_MS of its clock', async () => {
    const s = await c.workspace({ defaultCountry: 'ES' });
    const viaSecond = (body: unknown) =>
      second.inject({ method: 'POST', url: '/v1/contacts', headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    expect((await viaSecond({ phone: '612 345 678' })).json().phone).toBe('+34612345678');
    expect((await s.req('PATCH', '/v1/workspace', { defaultCountry: 'MX' })).status).toBe(200);
    expect((await s.req('POST', '/v1/contacts', { phone: '55 1234 5678' })).body.phone).toBe('+525512345678');
    // The other process still parses with its cached country until the TTL passes on its clock.
    clock.advance(SETTINGS_TTL_MS - 1_000);
    expect((await viaSecond({ phone: '612 345 679' })).json().phone).toBe('+34612345679');
    clock.advance(1_000);
    expect((await viaSecond({ phone: '55 1234 5679' })).json().phone).toBe('+525512345679');
  });
});
