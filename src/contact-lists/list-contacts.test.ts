import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { buildApp } from '../app.ts';
import { fixedClock } from '../lib/clock.ts';
import { CONTACT_FIELD_NAMES } from '../contacts/contacts.schema.ts';

// Many contacts share a timestamp, so the id tie-break does real work.
const clock = fixedClock('2026-11-01T10:00:00.000Z');
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let n = 0;
const create = (w: TestWorkspace, extra: object = {}) => w.req('POST', '/v1/contacts', { email: `p${++n}@example.com`, ...extra });

beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
  other = await t.workspace();
  for (let i = 0; i < 30; i++) {
    if (i % 4 === 0) clock.advance(1000);
    await create(ws);
    await create(other);
  }
});
afterAll(() => t.close());

async function walk(w: TestWorkspace, query: string, limit: number, between?: () => Promise<void>) {
  const seen: { id: string; createdAt: string }[] = [];
  let cursor: string | null = null;
  do {
    const res = await w.req('GET', `/v1/contacts?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    seen.push(...res.body.data);
    cursor = res.body.nextCursor;
    if (between) await between();
  } while (cursor);
  return seen;
}

describe('listing contacts with keyset pagination', () => {
  it('walks every contact exactly once, newest first, while contacts are inserted between pages', async () => {
    const before = await walk(ws, '', 500);
    const stable = new Set(before.map((c) => c.id));
    const seen = await walk(ws, '', 7, async () => {
      clock.advance(10);
      await create(ws);
    });
    const ids = seen.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of stable) expect(ids).toContain(id);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
    }
  });

  it('sorts oldest first with ?sort=createdAt and never shows another workspace', async () => {
    const seen = await walk(ws, '&sort=createdAt', 9);
    expect(seen.map((c) => c.id).sort()).toEqual((await walk(ws, '', 500)).map((c) => c.id).sort());
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.createdAt <= seen[i]!.createdAt).toBe(true);
    const theirs = new Set((await walk(other, '', 500)).map((c) => c.id));
    expect(theirs.size).toBe(30);
    expect(seen.filter((c) => theirs.has(c.id))).toEqual([]);
  });

  it('filters by exact email or phone in any typed form', async () => {
    const c = await create(ws, { phone: '+34 633 00 11 22' });
    for (const phone of ['633001122', '0034633001122', '+34633001122']) {
      const res = await ws.req('GET', `/v1/contacts?phone=${encodeURIComponent(phone)}`);
      expect(res.body.data.map((x: { id: string }) => x.id)).toEqual([c.body.id]);
    }
    const byEmail = await ws.req('GET', `/v1/contacts?email=${encodeURIComponent(c.body.email.toUpperCase())}`);
    expect(byEmail.body.data.map((x: { id: string }) => x.id)).toEqual([c.body.id]);
  });

  it('counts exactly when asked', async () => {
    const all = await walk(ws, '', 500);
    const res = await ws.req('GET', '/v1/contacts?limit=1&count=true');
    expect(res.body.count).toEqual({ value: all.length, exact: true });
  });

  it.each([
    ['a page size of 100,000', '?limit=100000', 400, '/query/limit'],
    ['a page size of 0', '?limit=0', 400, '/query/limit'],
    ['a malformed cursor', '?cursor=garbage', 400, '/query/cursor'],
    ['an unknown parameter', '?colour=red', 400, '/query/colour'],
    ['an unknown sort', '?sort=favouriteColour', 400, '/query/sort'],
  ])('rejects %s with a clear problem', async (_label, query, status, pointer) => {
    const res = await ws.req('GET', `/v1/contacts${query}`);
    expect(res.status).toBe(status);
    expect(res.body.errors[0].pointer).toBe(pointer);
  });

  it('rejects a cursor from another workspace or another sort', async () => {
    const page = await ws.req('GET', '/v1/contacts?limit=2');
    const cursor = encodeURIComponent(page.body.nextCursor);
    expect((await other.req('GET', `/v1/contacts?limit=2&cursor=${cursor}`)).body.code).toBe('invalid_cursor');
    expect((await ws.req('GET', `/v1/contacts?limit=2&sort=createdAt&cursor=${cursor}`)).body.code).toBe('invalid_cursor');
    const tampered = page.body.nextCursor.replace(/^./, (ch: string) => (ch === 'e' ? 'f' : 'e'));
    expect((await ws.req('GET', `/v1/contacts?limit=2&cursor=${encodeURIComponent(tampered)}`)).status).toBe(400);
  });
});

describe('fields= for light pages', () => {
  it('gives only the members asked for (and id), and walks the same contacts page by page', async () => {
    const full = await walk(ws, '', 500);
    const light = await walk(ws, '&fields=firstName,phone', 7);
    expect(light.map((c) => c.id)).toEqual(full.map((c) => c.id));
    for (const c of light) expect(Object.keys(c)).toEqual(['id', 'firstName', 'phone']);
    const byId = new Map(full.map((c) => [c.id, c as unknown as Record<string, unknown>]));
    for (const c of light as unknown as Record<string, unknown>[]) {
      const whole = byId.get(c.id as string)!;
      expect(c).toEqual({ id: whole.id, firstName: whole.firstName, phone: whole.phone });
    }
  });

  it('each member alone, and a mix, equals that member of the whole contact (the light page reads only its columns)', async () => {
    const w = await t.workspace();
    const playbook = await w.req('POST', '/v1/playbooks', { name: 'Ventas', stages: [{ name: 'Nuevo' }, { name: 'Ganado', kind: 'won' }] });
    expect((await w.req('POST', '/v1/contact-attributes', { key: 'plan', label: 'Plan', type: 'text' })).status).toBe(201);
    const rich = await w.req('POST', '/v1/contacts', {
      firstName: 'Inés', lastName: 'Núñez Ávila', email: 'ines@example.es', phone: '+34 611 000 111', company: 'Olivos SL',
      additionalEmails: ['ines.otra@example.es'], externalRef: { id: 'crm-7', url: 'https://crm.example.es/7' },
      consents: { marketingEmail: true }, customAttributes: { plan: 'pro' },
    });
    expect(rich.status, rich.text).toBe(201);
    clock.advance(1000);
    expect((await w.req('PUT', `/v1/contacts/${rich.body.id}/stage`, { playbookId: playbook.body.id, stageId: playbook.body.stages[1].id })).status).toBe(200);
    expect((await w.req('POST', `/v1/contacts/${rich.body.id}/whatsapp-messages`, { direction: 'inbound', body: 'Hola' })).status).toBe(201);
    const ignored = await create(w, { firstName: 'Ignacio' });
    expect((await w.req('POST', `/v1/contacts/${ignored.body.id}/ignore`, {})).status).toBeLessThan(300);
    await create(w);
    clock.advance(5000);
    const full = (await w.req('GET', '/v1/contacts?limit=50')).body.data as Record<string, unknown>[];
    expect(full.length).toBe(3);
    const asked = [...CONTACT_FIELD_NAMES.map((name) => [name]), ['stage', 'consents', 'pendingAttention', 'whatsappWindow', 'version'], ['lastName', 'customAttributes', 'createdAt']];
    for (const names of asked) {
      const light = await w.req('GET', `/v1/contacts?limit=50&fields=${names.join(',')}`);
      expect(light.status, light.text).toBe(200);
      const order = CONTACT_FIELD_NAMES.filter((name) => name === 'id' || names.includes(name));
      expect(light.body.data, names.join(',')).toEqual(full.map((c) => Object.fromEntries(order.map((name) => [name, c[name]]))));
    }
  });

  it('POST /v1/contacts/search takes `fields` too: the same light page as the GET, filtered by the tree', async () => {
    const get = await ws.req('GET', '/v1/contacts?limit=500&sort=createdAt&fields=phone,firstName,firstName');
    const post = await ws.req('POST', '/v1/contacts/search', { limit: 500, sort: 'createdAt', filter: { field: 'email', op: 'contains', value: 'example' }, fields: ['phone', 'firstName', 'firstName'] });
    expect(post.status, post.text).toBe(200);
    expect(post.body.data.length).toBeGreaterThanOrEqual(30);
    expect(post.body).toEqual(get.body);
    for (const c of post.body.data) expect(Object.keys(c)).toEqual(['id', 'firstName', 'phone']);
    const bad = await ws.req('POST', '/v1/contacts/search', { fields: ['firstName', 'favouriteColour'] });
    expect(bad.status).toBe(422);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors[0]).toMatchObject({ pointer: '/fields/1' });
    expect((await ws.req('POST', '/v1/contacts/search', { fields: [] })).body.errors[0]).toMatchObject({ pointer: '/fields' });
  });

  it('keeps the cursor of the same filters and sort: a light page continues a full one', async () => {
    const first = await ws.req('GET', '/v1/contacts?limit=3&sort=createdAt');
    const next = await ws.req('GET', `/v1/contacts?limit=3&sort=createdAt&fields=id,createdAt&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(next.status, next.text).toBe(200);
    const all = await walk(ws, '&sort=createdAt', 500);
    expect(next.body.data).toEqual(all.slice(3, 6).map((c) => ({ id: c.id, createdAt: c.createdAt })));
  });

  it.each([
    ['an unknown field', 'id,favouriteColour'],
    ['an empty name', 'id,,phone'],
    ['a nested member', 'stage.name'],
  ])('rejects %s with a problem pointing at the parameter', async (_label, fields) => {
    const res = await ws.req('GET', `/v1/contacts?fields=${encodeURIComponent(fields)}`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/query/fields', code: 'unknown_field' });
  });

  it('writes the same bytes in production (no response validation) as the validating test app', async () => {
    const prod = await buildApp({ ...t.deps, config: { ...t.deps.config, validateResponses: false } }, { logger: false });
    try {
      for (const url of ['/v1/contacts?limit=5&fields=firstName,lastName,phone', '/v1/contacts?limit=5&fields=stage,consents,pendingAttention&count=true', '/v1/contacts?limit=5', 'POST {"limit":5,"fields":["email","ownerId"]}', 'POST {"limit":5}']) {
        const [method, payload] = url.startsWith('POST') ? (['POST', JSON.parse(url.slice(5))] as const) : (['GET', undefined] as const);
        const inject = (app: typeof prod) =>
          app.inject({ method, url: method === 'POST' ? '/v1/contacts/search' : url, payload, headers: { authorization: `Bearer ${ws.apiKey}` } });
        const [a, b] = [await inject(t.app), await inject(prod)];
        expect(a.statusCode, url).toBe(200);
        expect(b.headers['content-type'], url).toBe(a.headers['content-type']);
        // The page has a serializer of its own, for which Fastify sets no type (it once went without one).
        expect(a.headers['content-type'], url).toBe('application/json; charset=utf-8');
        expect(b.body, url).toBe(a.body);
      }
    } finally {
      await prod.close();
    }
  });
});
