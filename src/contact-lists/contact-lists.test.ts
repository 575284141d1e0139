import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { fixedClock } from '../lib/clock.ts';
import { foldText } from './fold.ts';
import { expectWalk, fixture, walk, type C } from './list-fixtures.test-helpers.ts';

// Contacts share timestamps in threes, so the id tie-break does real work on every sort.
const clock = fixedClock('2026-11-01T10:00:00.000Z');
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let owners: (string | null)[];
let all: C[];
let n = 100;

beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
  other = await t.workspace();
  const u = await ws.req('POST', '/v1/users', { email: 'seller@example.com', name: 'Seller', role: 'member' });
  owners = [ws.ownerId, u.body.id, null];
  for (let i = 0; i < 45; i++) {
    if (i % 3 === 0) clock.advance(1000);
    const res = await ws.req('POST', '/v1/contacts', fixture(i, owners));
    expect(res.status, res.text).toBe(201);
    await other.req('POST', '/v1/contacts', fixture(i, [other.ownerId]));
  }
  // Some updates, so updatedAt differs from createdAt.
  const first = await walk(ws, { sort: 'createdAt' }, 500);
  for (const c of first.filter((_, i) => i % 7 === 0)) {
    clock.advance(500);
    await ws.req('PATCH', `/v1/contacts/${c.id}`, { company: 'Editada' });
  }
  all = await walk(ws, {}, 500);
  expect(all).toHaveLength(45);
});
afterAll(() => t.close());

/** Inserts a contact that matches most filters, to prove pages neither repeat nor skip. */
const insertBetween = async () => {
  clock.advance(10);
  n++;
  await ws.req('POST', '/v1/contacts', { ...fixture(n, owners), email: `new${n}@example.com`, phone: null });
};

const fold = (s: string | null) => foldText(s ?? '');
const CASES: [string, object, (c: C) => boolean][] = [
  ['owner', { field: 'ownerId', op: 'eq', value: '$owner' }, (c) => c.ownerId === owners[0]],
  ['no owner', { field: 'ownerId', op: 'isEmpty', value: true }, (c) => c.ownerId === null],
  ['source in', { field: 'source', op: 'in', value: ['web', 'csv'] }, (c) => ['web', 'csv'].includes(c.source)],
  ['marketing WhatsApp consent', { field: 'consents.marketingWhatsapp', op: 'eq', value: true }, (c) => c.consents.marketingWhatsapp!],
  ['no marketing email consent', { field: 'consents.marketingEmail', op: 'eq', value: false }, (c) => !c.consents.marketingEmail],
  ['last name contains, accent-insensitive', { field: 'lastName', op: 'contains', value: 'GARCIA' }, (c) => fold(c.lastName).includes('garcia')],
  ['first name equals', { field: 'firstName', op: 'eq', value: 'jose' }, (c) => fold(c.firstName) === 'jose'],
  ['first name starts with', { field: 'firstName', op: 'startsWith', value: 'Mar' }, (c) => fold(c.firstName).startsWith('mar')],
  ['empty last name', { field: 'lastName', op: 'isEmpty', value: true }, (c) => c.lastName === ''],
  ['company contains', { field: 'company', op: 'contains', value: 'acme' }, (c) => fold(c.company).includes('acme')],
  ['company equals', { field: 'company', op: 'eq', value: 'TELEFONICA' }, (c) => fold(c.company) === 'telefonica'],
  ['no company', { field: 'company', op: 'isEmpty', value: true }, (c) => c.company === null],
  ['email contains', { field: 'email', op: 'contains', value: 'PEPE@' }, (c) => fold(c.email).includes('pepe@')],
  ['no phone', { field: 'phone', op: 'isEmpty', value: true }, (c) => c.phone === null],
  ['phone digits', { field: 'phone', op: 'contains', value: '6 100' }, (c) => (c.phone ?? '').replace(/\D/g, '').includes('6100')],
  ['created range', { field: 'createdAt', op: 'between', value: ['2026-11-01T10:00:03.000Z', '2026-11-01T10:00:09.000Z'] }, (c) => c.createdAt >= '2026-11-01T10:00:03.000Z' && c.createdAt < '2026-11-01T10:00:09.000Z'],
  ['updated after', { field: 'updatedAt', op: 'gt', value: '2026-11-01T10:00:15.000Z' }, (c) => c.updatedAt > '2026-11-01T10:00:15.000Z'],
  ['OR group', { or: [{ field: 'source', op: 'eq', value: 'api' }, { field: 'ownerId', op: 'isEmpty', value: true }] }, (c) => c.source === 'api' || c.ownerId === null],
  ['AND with nested OR and NOT', { and: [{ not: { field: 'source', op: 'eq', value: 'api' } }, { or: [{ field: 'consents.marketingWhatsapp', op: 'eq', value: true }, { field: 'lastName', op: 'contains', value: 'lopez' }] }] }, (c) => c.source !== 'api' && (c.consents.marketingWhatsapp! || fold(c.lastName).includes('lopez'))],
  ['search box in a tree', { field: 'q', op: 'matches', value: 'jose garcia' }, (c) => ['jose', 'garcia'].every((w) => `${fold(c.firstName)} ${fold(c.lastName)} ${fold(c.company)} ${fold(c.email)}`.includes(w))],
];
const SORTS = ['-createdAt', 'createdAt', 'updatedAt', '-updatedAt', 'lastName', '-lastName', 'firstName', '-firstName'];

describe('filters and sorts with keyset pagination', () => {
  it.each(CASES)('filters by %s: right contacts, across pages, with inserts between pages', async (_label, node, matches) => {
    const filter = JSON.parse(JSON.stringify(node).replace('"$owner"', JSON.stringify(owners[0])));
    const expected = all.filter(matches);
    expect(expected.length, 'the fixture exercises this filter').toBeGreaterThan(0);
    const seen = await walk(ws, { filter, sort: 'lastName' }, 4, insertBetween);
    expectWalk(seen, expected, 'lastName', matches);
    const count = await ws.req('POST', '/v1/contacts/search', { filter, count: true, limit: 1 });
    expect(count.body.count.exact).toBe(true);
  });

  it.each(SORTS)('sorts by %s across pages while contacts are inserted', async (sort) => {
    const seen = await walk(ws, { sort }, 6, insertBetween);
    expectWalk(seen, all, sort, () => true);
  });

  it('GET takes the simple filters as parameters, combined with AND', async () => {
    const res = await ws.req('GET', `/v1/contacts?limit=500&ownerId=${owners[1]}&source=web&lastName=garcia&consents.marketingWhatsapp=false`);
    expect(res.status, res.text).toBe(200);
    // Against every contact now (other tests insert between pages), and never an empty answer:
    // with `marketingWhatsapp=true` no fixture contact matched and [] equalled [].
    const now = await walk(ws, {}, 500);
    const expected = now.filter((c) => c.ownerId === owners[1] && c.source === 'web' && fold(c.lastName).includes('garcia') && !c.consents.marketingWhatsapp);
    expect(expected.length, 'the fixture exercises every parameter').toBeGreaterThan(0);
    expect(res.body.data.map((c: C) => c.id).sort()).toEqual(expected.map((c) => c.id).sort());
    const sorted = await ws.req('GET', '/v1/contacts?limit=3&sort=-lastName');
    expect(sorted.status).toBe(200);
    const next = await ws.req('GET', `/v1/contacts?limit=3&sort=-lastName&cursor=${encodeURIComponent(sorted.body.nextCursor)}`);
    expect(next.status).toBe(200);
    const six = await ws.req('GET', '/v1/contacts?limit=6&sort=-lastName');
    expect([...sorted.body.data, ...next.body.data].map((c: C) => c.id)).toEqual(six.body.data.map((c: C) => c.id));
    expect(six.body.data).toHaveLength(6);
  });

  it("another workspace's ids in a filter simply match nothing", async () => {
    const theirs = await walk(other, {}, 500);
    const res = await ws.req('POST', '/v1/contacts/search', { filter: { or: [{ field: 'id', op: 'in', value: theirs.slice(0, 5).map((c) => c.id) }, { field: 'ownerId', op: 'eq', value: other.ownerId }] } });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    const get = await ws.req('GET', `/v1/contacts?ownerId=${other.ownerId}`);
    expect(get.body.data).toEqual([]);
  });
});

describe('clear errors', () => {
  it.each([
    ['an unknown field', { filter: { field: 'favouriteColour', op: 'eq', value: 'red' } }, 422, '/filter/field', 'unknown_field'],
    ['an unknown field deep in a group', { filter: { and: [{ field: 'source', op: 'eq', value: 'web' }, { or: [{ field: 'nope', op: 'eq', value: 1 }] }] } }, 422, '/filter/and/1/or/0/field', 'unknown_field'],
    ['an operator the field lacks', { filter: { field: 'source', op: 'contains', value: 'w' } }, 422, '/filter/op', 'invalid_operator'],
    ['a value of the wrong type', { filter: { field: 'createdAt', op: 'gt', value: 'yesterday' } }, 422, '/filter/value', 'invalid_value'],
    ['an extra key in a condition', { filter: { field: 'source', op: 'eq', value: 'web', colour: 1 } }, 422, '/filter/colour', 'unknown_field'],
    ['an empty group', { filter: { or: [] } }, 422, '/filter/or', 'invalid_filter'],
    ['a page size of 100,000', { limit: 100000 }, 400, '/limit', 'too_big'],
    ['a malformed cursor', { cursor: 'garbage' }, 400, '/cursor', 'invalid_cursor'],
    ['an unknown sort', { sort: 'colour' }, 422, '/sort', 'invalid_sort'],
    ['an unknown body field', { colour: 'red' }, 422, '/colour', 'unknown_field'],
  ])('rejects %s', async (_label, body, status, pointer, code) => {
    const res = await ws.req('POST', '/v1/contacts/search', body);
    expect(res.status, res.text).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors[0]).toMatchObject({ pointer, code });
  });

  it('rejects a cursor of another filter, and an unknown GET sort as 400', async () => {
    const page = await ws.req('POST', '/v1/contacts/search', { limit: 2 });
    const res = await ws.req('POST', '/v1/contacts/search', { limit: 2, cursor: page.body.nextCursor, filter: { field: 'source', op: 'eq', value: 'web' } });
    expect(res.body.code).toBe('invalid_cursor');
    expect((await other.req('POST', '/v1/contacts/search', { limit: 2, cursor: page.body.nextCursor })).body.code).toBe('invalid_cursor');
    const get = await ws.req('GET', '/v1/contacts?sort=colour');
    expect(get.status).toBe(400);
    expect(get.body.errors[0].pointer).toBe('/query/sort');
  });

  it('needs credentials', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/contacts/search', payload: {} });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
  });
});
