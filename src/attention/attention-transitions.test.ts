import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { fixedClock } from '../lib/clock.ts';

/**
 * Every attention transition through the HTTP API: each channel × inbound/outbound ×
 * answered/missed × ignored, from a contact that is not pending and from one that is.
 */
const clock = fixedClock('2026-11-24T08:00:00.000Z');
let t: TestApp;
let ws: TestWorkspace;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
});
afterAll(() => t.close());

const newContact = async () => {
  const res = await ws.req('POST', '/v1/contacts', { phone: `+3462${String(1_000_000 + ++seq).padStart(7, '0')}`, email: `att${seq}@example.com` });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

type Event = { channel: 'whatsapp' | 'call' | 'email'; direction: 'inbound' | 'outbound'; outcome?: string; at: string };

/** Records an event with its own time (as a webhook would) through the API. */
const record = async (contactId: string, e: Event) => {
  let res;
  if (e.channel === 'call') res = await ws.req('POST', `/v1/contacts/${contactId}/calls`, { direction: e.direction, outcome: e.outcome ?? 'answered', startedAt: e.at });
  else if (e.channel === 'email') res = await ws.req('POST', `/v1/contacts/${contactId}/emails`, { direction: e.direction, subject: 's', sentAt: e.at });
  else if (e.direction === 'inbound') res = await ws.req('POST', `/v1/contacts/${contactId}/whatsapp-messages`, { direction: 'inbound', body: 'hola', sentAt: e.at });
  else {
    // Outbound WhatsApp is only ever sent now (by the clock); move the clock to the event time.
    const saved = clock.now();
    clock.set(e.at);
    res = await ws.req('POST', `/v1/contacts/${contactId}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', template: { name: 'follow_up' } });
    clock.set(saved);
  }
  expect(res.status, JSON.stringify(res.body)).toBe(201);
};

const ignore = async (contactId: string) => expect((await ws.req('POST', `/v1/contacts/${contactId}/ignore`)).status).toBe(200);

const attentionOf = async (contactId: string) => (await ws.req('GET', `/v1/contacts/${contactId}`)).body.pendingAttention;

const T0 = '2026-11-24T07:00:00.000Z';
const T1 = '2026-11-24T07:30:00.000Z';

const EVENTS: { name: string; event: Omit<Event, 'at'>; raises: 'whatsapp' | 'call' | 'email' | null; clears: boolean }[] = [
  { name: 'inbound WhatsApp', event: { channel: 'whatsapp', direction: 'inbound' }, raises: 'whatsapp', clears: false },
  { name: 'outbound WhatsApp', event: { channel: 'whatsapp', direction: 'outbound' }, raises: null, clears: true },
  { name: 'inbound email', event: { channel: 'email', direction: 'inbound' }, raises: 'email', clears: false },
  { name: 'outbound email', event: { channel: 'email', direction: 'outbound' }, raises: null, clears: true },
  { name: 'missed inbound call', event: { channel: 'call', direction: 'inbound', outcome: 'missed' }, raises: 'call', clears: false },
  ...['busy', 'no_answer', 'voicemail', 'failed'].map((outcome) => ({ name: `inbound call ending ${outcome}`, event: { channel: 'call' as const, direction: 'inbound' as const, outcome }, raises: 'call' as const, clears: false })),
  { name: 'answered inbound call', event: { channel: 'call', direction: 'inbound', outcome: 'answered' }, raises: null, clears: true },
  { name: 'answered outbound call', event: { channel: 'call', direction: 'outbound', outcome: 'answered' }, raises: null, clears: true },
  { name: 'unanswered outbound call', event: { channel: 'call', direction: 'outbound', outcome: 'missed' }, raises: null, clears: true },
];

beforeAll(async () => {
  await ws.req('POST', '/v1/whatsapp-templates', { name: 'follow_up', language: 'es', category: 'utility', body: 'Hola, ¿seguimos?' });
});

describe('attention transitions', () => {
  for (const row of EVENTS) {
    for (const ignored of [false, true]) {
      const label = ignored ? ' on an ignored contact' : '';
      it(`${row.name} on a contact not pending${label} → ${row.raises && !ignored ? `pending (${row.raises})` : 'not pending'}`, async () => {
        const id = await newContact();
        if (ignored) await ignore(id);
        await record(id, { ...row.event, at: T1 });
        const expected = row.raises && !ignored ? { pending: true, reasons: [{ reason: row.raises, since: T1 }] } : { pending: false, reasons: [] };
        expect(await attentionOf(id)).toEqual(expected);
      });

      it(`${row.name} after an unanswered inbound email${label} → ${ignored ? 'not pending' : row.clears ? 'cleared' : 'both reasons, each with its start'}`, async () => {
        const id = await newContact();
        await record(id, { channel: 'email', direction: 'inbound', at: T0 });
        if (ignored) await ignore(id);
        await record(id, { ...row.event, at: T1 });
        // A second email keeps the first one's start; another channel adds its own reason.
        const reasons = ignored || row.clears ? [] : [{ reason: 'email', since: T0 }, ...(row.raises && row.raises !== 'email' ? [{ reason: row.raises, since: T1 }] : [])];
        expect(await attentionOf(id)).toEqual({ pending: reasons.length > 0, reasons });
      });

      it(`${row.name} that happened before the last outbound${label} changes nothing (late webhook)`, async () => {
        const id = await newContact();
        await record(id, { channel: 'email', direction: 'outbound', at: T1 });
        if (ignored) await ignore(id);
        await record(id, { ...row.event, at: T0 });
        expect(await attentionOf(id)).toEqual({ pending: false, reasons: [] });
      });
    }
  }

  it('an inbound received while ignored stays answered after un-ignoring; a later one raises attention', async () => {
    const id = await newContact();
    await ws.req('POST', `/v1/contacts/${id}/ignore`);
    await record(id, { channel: 'whatsapp', direction: 'inbound', at: T0 });
    const un = await ws.req('POST', `/v1/contacts/${id}/unignore`);
    expect(un.body).toMatchObject({ ignored: false, pendingAttention: { pending: false } });
    clock.advance(60_000);
    const later = '2026-11-24T08:00:30.000Z';
    await record(id, { channel: 'call', direction: 'inbound', outcome: 'missed', at: later });
    expect(await attentionOf(id)).toEqual({ pending: true, reasons: [{ reason: 'call', since: later }] });
  });

  it('a failed outbound WhatsApp does not attend the contact', async () => {
    const id = await newContact();
    await record(id, { channel: 'email', direction: 'inbound', at: T0 });
    await record(id, { channel: 'whatsapp', direction: 'outbound', at: T1 });
    expect((await attentionOf(id)).pending).toBe(false);
    const list = await ws.req('GET', `/v1/contacts/${id}/whatsapp-messages`);
    const messageId = list.body.data[0].id;
    await t.deps.services.delivery.deliverWhatsapp({ workspaceId: ws.id, messageId });
    const failed = await ws.req('PATCH', `/v1/whatsapp-messages/${messageId}`, { status: 'failed' });
    expect(failed.status).toBe(200);
    expect(await attentionOf(id)).toEqual({ pending: true, reasons: [{ reason: 'email', since: T0 }] });
  });

  it('deleting the missed call that made a contact pending clears it; updating it to answered too', async () => {
    const id = await newContact();
    const call = await ws.req('POST', `/v1/contacts/${id}/calls`, { direction: 'inbound', outcome: 'missed', startedAt: T0 });
    expect((await attentionOf(id)).pending).toBe(true);
    await ws.req('PATCH', `/v1/calls/${call.body.id}`, { outcome: 'answered' });
    expect((await attentionOf(id)).pending).toBe(false);
    await ws.req('PATCH', `/v1/calls/${call.body.id}`, { outcome: 'no_answer' });
    expect((await attentionOf(id)).pending).toBe(true);
    expect((await ws.req('DELETE', `/v1/calls/${call.body.id}`)).status).toBe(204);
    expect((await attentionOf(id)).pending).toBe(false);
  });
});
