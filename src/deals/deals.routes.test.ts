import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { fixedClock } from '../lib/clock.ts';

const clock = fixedClock('2026-11-24T08:00:00.000Z');
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let contactId: string;
beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
  other = await t.workspace();
  contactId = (await ws.req('POST', '/v1/contacts', { email: 'deal@example.com' })).body.id;
});
afterAll(() => t.close());

const dealCount = async () => Number((await t.database.raw('SELECT count(*)::int AS n FROM deals WHERE workspace_id = $1', [ws.id])).rows[0]!.n);

describe('deals API', () => {
  it('creates, reads, wins, edits and deletes a deal', async () => {
    const created = await ws.req('POST', `/v1/contacts/${contactId}/deals`, { title: 'Annual plan', amountMinor: 129900, currency: 'EUR', expectedCloseDate: '2026-12-31' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ contactId, title: 'Annual plan', amountMinor: 129900, currency: 'EUR', status: 'open', expectedCloseDate: '2026-12-31', closedAt: null, version: 1 });
    expect(created.body.createdAt).toBe('2026-11-24T08:00:00.000Z');
    const id = created.body.id;
    expect((await ws.req('GET', `/v1/deals/${id}`)).body).toEqual(created.body);

    clock.advance(5000);
    const won = await ws.req('PATCH', `/v1/deals/${id}`, { status: 'won' }, { 'if-match': '"1"' });
    expect(won.body).toMatchObject({ status: 'won', closedAt: '2026-11-24T08:00:05.000Z', version: 2 });
    expect(won.headers.etag).toBe('"2"');
    expect((await ws.req('PATCH', `/v1/deals/${id}`, { title: 'late' }, { 'if-match': '"1"' })).status).toBe(412);

    const cleared = await ws.req('PATCH', `/v1/deals/${id}`, { amountMinor: null, currency: null, expectedCloseDate: null, status: 'open' });
    expect(cleared.body).toMatchObject({ amountMinor: null, currency: null, expectedCloseDate: null, status: 'open', closedAt: null });

    expect((await ws.req('DELETE', `/v1/deals/${id}`, undefined, { 'if-match': '"3"' })).status).toBe(204);
    expect((await ws.req('GET', `/v1/deals/${id}`)).status).toBe(404);
  });

  it.each([
    [{ title: 'x', amountMinor: 10.5, currency: 'EUR' }, '/amountMinor'],
    [{ title: 'x', amountMinor: '1000', currency: 'EUR' }, '/amountMinor'],
    [{ title: 'x', amountMinor: -1, currency: 'EUR' }, '/amountMinor'],
    [{ title: 'x', amountMinor: 100, currency: 'EURO' }, '/currency'],
    [{ title: 'x', amountMinor: 100, currency: 'eur' }, '/currency'],
    [{ title: 'x', amountMinor: 100, currency: 'XYZ' }, '/currency'],
    [{ title: 'x', amountMinor: 100 }, '/currency'],
    [{ title: 'x', status: 'maybe' }, '/status'],
    [{ title: 'x', expectedCloseDate: '2026-13-01' }, '/expectedCloseDate'],
    [{ title: '' }, '/title'],
    [{ title: 'x', closedAt: '2026-11-24T08:00:00.000Z' }, '/closedAt'],
  ])('rejects %j at %s and writes nothing', async (body, pointer) => {
    const before = await dealCount();
    const res = await ws.req('POST', `/v1/contacts/${contactId}/deals`, body);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await dealCount()).toBe(before);
  });

  it('names the bad currency with a stable code', async () => {
    const res = await ws.req('POST', `/v1/contacts/${contactId}/deals`, { title: 'x', amountMinor: 1, currency: 'ABC' });
    expect(res.body.errors[0]).toMatchObject({ pointer: '/currency', code: 'invalid_currency' });
  });

  it('refuses an amount left without currency by a patch', async () => {
    const deal = (await ws.req('POST', `/v1/contacts/${contactId}/deals`, { title: 'x', amountMinor: 100, currency: 'USD' })).body;
    const res = await ws.req('PATCH', `/v1/deals/${deal.id}`, { currency: null });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/currency', code: 'currency_required' });
    expect((await ws.req('GET', `/v1/deals/${deal.id}`)).body.currency).toBe('USD');
  });

  it('moves deals to the surviving contact on merge', async () => {
    const a = (await ws.req('POST', '/v1/contacts', { email: 'keep@example.com' })).body.id;
    const b = (await ws.req('POST', '/v1/contacts', { email: 'gone@example.com' })).body.id;
    const deal = (await ws.req('POST', `/v1/contacts/${b}/deals`, { title: 'moves' })).body;
    expect((await ws.req('POST', `/v1/contacts/${a}/merge`, { otherContactId: b })).status).toBe(200);
    expect((await ws.req('GET', `/v1/deals/${deal.id}`)).body.contactId).toBe(a);
    expect((await ws.req('GET', `/v1/contacts/${a}/deals`)).body.data.map((d: { id: string }) => d.id)).toEqual([deal.id]);
  });

  it('answers 404 to another workspace on every deal route', async () => {
    const deal = (await ws.req('POST', `/v1/contacts/${contactId}/deals`, { title: 'mine' })).body;
    expect((await other.req('POST', `/v1/contacts/${contactId}/deals`, { title: 'theirs' })).status).toBe(404);
    expect((await other.req('GET', `/v1/contacts/${contactId}/deals`)).status).toBe(404);
    expect((await other.req('GET', `/v1/deals/${deal.id}`)).status).toBe(404);
    expect((await other.req('PATCH', `/v1/deals/${deal.id}`, { title: 'hijack' })).status).toBe(404);
    expect((await other.req('DELETE', `/v1/deals/${deal.id}`)).status).toBe(404);
    expect((await ws.req('GET', `/v1/deals/${deal.id}`)).body.title).toBe('mine');
  });
});
