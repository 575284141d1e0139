import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { fixedClock } from '../clock.ts';
import { queryRows } from '../db.ts';
import { purgeExpiredIdempotencyKeys } from './idempotency.ts';

const clock = fixedClock('2026-11-24T08:00:00.000Z');
let t: TestApp;
let ws: TestWorkspace;
let n = 0;
beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
});
afterAll(() => t.close());

const contactsWithEmail = async (email: string) =>
  (await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = ${ws.id} AND email = ${email}`))[0]!.n;

describe('Idempotency-Key', () => {
  it('creates once under concurrent retries; every answer is the same 201 or a 409 while running', async () => {
    const email = `idem${++n}@example.com`;
    const body = { firstName: 'Idem', email };
    const results = await Promise.all(Array.from({ length: 20 }, () => ws.req('POST', '/v1/contacts', body, { 'idempotency-key': `key-${n}` })));
    expect(await contactsWithEmail(email)).toBe(1);
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.text)).size).toBe(1);
    for (const r of results) expect([201, 409]).toContain(r.status);

    const replay = await ws.req('POST', '/v1/contacts', body, { 'idempotency-key': `key-${n}` });
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(created[0]!.text);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.location).toBe(created[0]!.headers.location);
  });

  it('answers 422 when a key is reused with a different body', async () => {
    const key = `key-reuse-${++n}`;
    const base = { firstName: 'Base', email: `reuse${n}@example.com` };
    expect((await ws.req('POST', '/v1/contacts', base, { 'idempotency-key': key })).status).toBe(201);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('firstName', 'lastName', 'company'), fc.string({ minLength: 1, maxLength: 20 }), async (field, value) => {
        fc.pre((base as Record<string, string>)[field] !== value);
        const res = await ws.req('POST', '/v1/contacts', { ...base, [field]: value }, { 'idempotency-key': key });
        expect(res.status).toBe(422);
        expect(res.body.type).toBe('/problems/idempotency_key_reused');
      }),
      { numRuns: 15 },
    );
    expect(await contactsWithEmail(base.email)).toBe(1);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const key = `key-order-${++n}`;
    const email = `order${n}@example.com`;
    const a = await ws.req('POST', '/v1/contacts', { firstName: 'A', email }, { 'idempotency-key': key });
    const b = await ws.req('POST', '/v1/contacts', `{"email":"${email}","firstName":"A"}`, { 'idempotency-key': key, 'content-type': 'application/json' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.text).toBe(a.text);
  });

  it('replays a 4xx that happened after execution began', async () => {
    const email = `taken${++n}@example.com`;
    expect((await ws.req('POST', '/v1/contacts', { email })).status).toBe(201);
    const key = `key-4xx-${n}`;
    const first = await ws.req('POST', '/v1/contacts', { email }, { 'idempotency-key': key });
    expect(first.status).toBe(409);
    const again = await ws.req('POST', '/v1/contacts', { email }, { 'idempotency-key': key });
    expect(again.status).toBe(409);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
  });

  it('stores nothing for a request rejected by validation', async () => {
    const key = `key-invalid-${++n}`;
    expect((await ws.req('POST', '/v1/contacts', { email: 5 }, { 'idempotency-key': key })).status).toBe(422);
    const ok = await ws.req('POST', '/v1/contacts', { email: `fixed${n}@example.com` }, { 'idempotency-key': key });
    expect(ok.status).toBe(201);
  });

  it('scopes keys to the API key and to the workspace', async () => {
    const key = `key-scope-${++n}`;
    const second = await ws.req('POST', '/v1/api-keys', { name: 'second' });
    const otherWs = await t.workspace();
    const a = await ws.req('POST', '/v1/contacts', { email: `scope-a${n}@example.com` }, { 'idempotency-key': key });
    const b = await ws.as(second.body.secret)('POST', '/v1/contacts', { email: `scope-b${n}@example.com` }, { 'idempotency-key': key });
    const c = await otherWs.req('POST', '/v1/contacts', { email: `scope-c${n}@example.com` }, { 'idempotency-key': key });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a.body.id, b.body.id, c.body.id]).size).toBe(3);
  });

  it('rejects a malformed key', async () => {
    const res = await ws.req('POST', '/v1/contacts', { email: `bad-key${++n}@example.com` }, { 'idempotency-key': 'has spaces in it' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_idempotency_key');
  });

  it('forgets keys after 24 hours: the purge lets the key execute anew', async () => {
    const key = `key-purge-${++n}`;
    const first = await ws.req('POST', '/v1/contacts', { email: `purge${n}@example.com` }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    clock.advance(24 * 60 * 60 * 1000 + 60_000);
    const stored = Number((await t.database.raw(`SELECT count(*)::int AS n FROM idempotency_keys WHERE workspace_id = $1 AND expires_at <= $2`, [ws.id, clock.now().toISOString()])).rows[0]!.n);
    expect(stored).toBeGreaterThan(0);
    expect(await purgeExpiredIdempotencyKeys(t.database, clock.now())).toBeGreaterThanOrEqual(stored);
    const again = await ws.req('POST', '/v1/contacts', { email: `purge${n}@example.com` }, { 'idempotency-key': key });
    expect(again.status).toBe(409); // executed again: the contact exists now
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });
});
