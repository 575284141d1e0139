import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { fixedClock } from '../lib/clock.ts';
import { walk } from './list-fixtures.test-helpers.ts';

const T = Date.parse('2026-11-10T12:00:00.000Z');
const clock = fixedClock(new Date(T));
const hoursAgo = (h: number) => new Date(T - h * 3600_000).toISOString();
let t: TestApp;
let ws: TestWorkspace;
const id: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
  for (const [i, key] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) {
    id[key] = (await ws.req('POST', '/v1/contacts', { firstName: key.toUpperCase(), phone: `+34 611 00 00 0${i}` })).body.id;
  }
  const whatsapp = async (key: string, h: number) => {
    const res = await ws.req('POST', `/v1/contacts/${id[key]}/whatsapp-messages`, { direction: 'inbound', type: 'text', body: 'Hola', sentAt: hoursAgo(h) });
    expect(res.status, res.text).toBe(201);
  };
  await whatsapp('a', 2);
  await whatsapp('b', 23);
  const call = await ws.req('POST', `/v1/contacts/${id.c}/calls`, { direction: 'inbound', outcome: 'missed', startedAt: hoursAgo(5) });
  expect(call.status, call.text).toBe(201);
  await whatsapp('d', 1);
  expect((await ws.req('POST', `/v1/contacts/${id.d}/ignore`)).status).toBe(200);
  await whatsapp('f', 26);
});
afterAll(() => t.close());

const names = (cs: { firstName: string }[]) => cs.map((c) => c.firstName.toLowerCase());
const search = async (filter: object, sort = 'firstName') => names(await walk(ws, { filter, sort }, 2));

describe('attention, ignore and WhatsApp window filters', () => {
  it.each([
    ['pending attention', { field: 'pendingAttention', op: 'eq', value: true }, ['a', 'b', 'c', 'f']],
    ['not pending', { field: 'pendingAttention', op: 'eq', value: false }, ['d', 'e']],
    ['reason call', { field: 'attentionReason', op: 'eq', value: 'call' }, ['c']],
    ['reason whatsapp or call', { field: 'attentionReason', op: 'in', value: ['whatsapp', 'call'] }, ['a', 'b', 'c', 'f']],
    ['waiting 6 h or more', { field: 'timeWaiting', op: 'gte', value: 6 * 3600 }, ['b', 'f']],
    ['ignored', { field: 'ignored', op: 'eq', value: true }, ['d']],
    ['window open', { field: 'whatsappWindow', op: 'open', value: true }, ['a', 'b', 'd']],
    ['window closed', { field: 'whatsappWindow', op: 'open', value: false }, ['c', 'e', 'f']],
    ['window closing within 3 h', { field: 'whatsappWindow', op: 'closingWithinHours', value: 3 }, ['b']],
  ])('%s', async (_l, filter, expected) => {
    expect(await search(filter)).toEqual(expected);
  });

  it('sorts longest waiting first, contacts not waiting last, across pages', async () => {
    const seen = names(await walk(ws, { sort: '-timeWaiting' }, 2));
    expect(seen.slice(0, 4)).toEqual(['f', 'b', 'c', 'a']);
    expect(seen.slice(4).sort()).toEqual(['d', 'e']);
    expect(names(await walk(ws, { sort: 'timeWaiting', filter: { field: 'pendingAttention', op: 'eq', value: true } }, 1))).toEqual(['a', 'c', 'b', 'f']);
  });

  it('takes the same filters as GET parameters', async () => {
    const res = await ws.req('GET', '/v1/contacts?pendingAttention=true&attentionReason=whatsapp&sort=-timeWaiting');
    expect(res.status, res.text).toBe(200);
    expect(names(res.body.data)).toEqual(['f', 'b', 'a']);
    const open = await ws.req('GET', '/v1/contacts?whatsappWindowOpen=true&ignored=false&sort=firstName');
    expect(names(open.body.data)).toEqual(['a', 'b']);
  });

  it('moves with time: at +3 h A is the only open window', async () => {
    clock.advance(3 * 3600_000);
    try {
      expect(await search({ field: 'whatsappWindow', op: 'open', value: true })).toEqual(['a', 'd']);
    } finally {
      clock.set(new Date(T));
    }
  });

  it('ignores and un-ignores in bulk, recorded like single actions', async () => {
    const res = await ws.req('POST', '/v1/contacts/bulk', { selection: { ids: [id.a, id.e] }, action: { type: 'ignore' } });
    expect(res.body.progress, res.text).toEqual({ done: 2, failed: 0, total: 2 });
    expect(await search({ field: 'ignored', op: 'eq', value: true })).toEqual(['a', 'd', 'e']);
    expect(await search({ field: 'pendingAttention', op: 'eq', value: true })).toEqual(['b', 'c', 'f']);
    const un = await ws.req('POST', '/v1/contacts/bulk', { selection: { ids: [id.a, id.d, id.e] }, action: { type: 'unignore' } });
    expect(un.body.progress).toEqual({ done: 3, failed: 0, total: 3 });
    expect(await search({ field: 'ignored', op: 'eq', value: true })).toEqual([]);
  });
});
