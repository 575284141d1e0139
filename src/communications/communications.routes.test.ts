import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { fixedClock } from '../lib/clock.ts';
import { queryRows } from '../lib/db.ts';

const clock = fixedClock('2026-11-24T12:00:00.000Z');
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
  other = await t.workspace();
});
afterAll(() => t.close());

const newContact = async (w: TestWorkspace = ws) => {
  const res = await w.req('POST', '/v1/contacts', { phone: `+3465${String(1_000_000 + ++seq).padStart(7, '0')}`, email: `comm${seq}@example.com` });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const count = async (table: string, w: TestWorkspace = ws) =>
  Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${w.id}`))[0]!.n);
const pointers = (body: { errors?: { pointer: string }[] }) => (body.errors ?? []).map((e) => e.pointer);

describe('calls', () => {
  it('are created, read, listed newest first by start time, updated with If-Match and deleted', async () => {
    const id = await newContact();
    const a = await ws.req('POST', `/v1/contacts/${id}/calls`, { direction: 'outbound', outcome: 'answered', startedAt: '2026-11-24T10:00:00+01:00', durationSeconds: 95, recordingUrl: 'https://rec.example.com/1.mp3' });
    expect(a.status).toBe(201);
    expect(a.headers.location).toBe(`/v1/calls/${a.body.id}`);
    expect(a.body).toMatchObject({ contactId: id, direction: 'outbound', outcome: 'answered', startedAt: '2026-11-24T09:00:00.000Z', durationSeconds: 95, author: { type: 'api_key' }, version: 1 });
    const b = await ws.req('POST', `/v1/contacts/${id}/calls`, { direction: 'inbound', outcome: 'voicemail', startedAt: '2026-11-24T11:00:00.000Z' });
    const c = await ws.req('POST', `/v1/contacts/${id}/calls`, { direction: 'inbound', outcome: 'busy', startedAt: '2026-11-24T08:00:00.000Z' });
    const page1 = await ws.req('GET', `/v1/contacts/${id}/calls?limit=2`);
    expect(page1.body.data.map((x: { id: string }) => x.id)).toEqual([b.body.id, a.body.id]);
    const page2 = await ws.req('GET', `/v1/contacts/${id}/calls?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toEqual({ data: [expect.objectContaining({ id: c.body.id })], nextCursor: null });
    expect((await ws.req('GET', `/v1/calls/${a.body.id}`)).headers.etag).toBe('"1"');
    const upd = await ws.req('PATCH', `/v1/calls/${a.body.id}`, { durationSeconds: 100, recordingUrl: null }, { 'if-match': '"1"' });
    expect(upd.body).toMatchObject({ durationSeconds: 100, recordingUrl: null, version: 2 });
    expect((await ws.req('PATCH', `/v1/calls/${a.body.id}`, { durationSeconds: 1 }, { 'if-match': '"1"' })).status).toBe(412);
    expect((await ws.req('DELETE', `/v1/calls/${a.body.id}`)).status).toBe(204);
    expect((await ws.req('GET', `/v1/calls/${a.body.id}`)).status).toBe(404);
  });

  it.each([
    ['an invalid outcome', { direction: 'inbound', outcome: 'hung_up' }, '/outcome'],
    ['no direction', { outcome: 'missed' }, '/direction'],
    ['a recording link that is not http(s)', { direction: 'inbound', outcome: 'missed', recordingUrl: 'ftp://x/y' }, '/recordingUrl'],
    ['a negative duration', { direction: 'inbound', outcome: 'missed', durationSeconds: -1 }, '/durationSeconds'],
    ['a start time without a zone', { direction: 'inbound', outcome: 'missed', startedAt: '2026-11-24 10:00' }, '/startedAt'],
    ['a start time in the future', { direction: 'inbound', outcome: 'missed', startedAt: '2026-11-24T13:00:00.000Z' }, '/startedAt'],
    ['a server-set field', { direction: 'inbound', outcome: 'missed', id: '0193a000-0000-7000-8000-000000000000' }, '/id'],
  ])('refuses %s with a problem naming the field, writing nothing', async (_label, body, pointer) => {
    const id = await newContact();
    const before = [await count('calls'), await count('notifications')];
    const res = await ws.req('POST', `/v1/contacts/${id}/calls`, body);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(pointers(res.body)).toContain(pointer);
    expect([await count('calls'), await count('notifications')]).toEqual(before);
    expect((await ws.req('GET', `/v1/contacts/${id}`)).body.pendingAttention.pending).toBe(false);
  });
});

describe('emails', () => {
  it('are recorded in either direction, read, listed and deleted', async () => {
    const id = await newContact();
    const e = await ws.req('POST', `/v1/contacts/${id}/emails`, { direction: 'inbound', from: 'cliente@example.com', to: ['ventas@acme.es'], subject: 'Presupuesto', body: 'Hola', messageId: '<m1@example.com>', threadId: 't1', sentAt: '2026-11-24T11:00:00.000Z' });
    expect(e.status).toBe(201);
    expect(e.body).toMatchObject({ direction: 'inbound', status: 'received', from: 'cliente@example.com', to: ['ventas@acme.es'], messageId: '<m1@example.com>', threadId: 't1', purpose: null });
    expect((await ws.req('GET', `/v1/emails/${e.body.id}`)).body).toEqual(e.body);
    expect((await ws.req('GET', `/v1/contacts/${id}/emails`)).body.data).toHaveLength(1);
    const stored = await count('emails');
    const dup = await ws.req('POST', `/v1/contacts/${id}/emails`, { direction: 'inbound', messageId: '<m1@example.com>' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'email_duplicate' });
    expect(await count('emails')).toBe(stored);
    expect((await ws.req('DELETE', `/v1/emails/${e.body.id}`)).status).toBe(204);
    expect((await ws.req('GET', `/v1/contacts/${id}/emails`)).body.data).toHaveLength(0);
  });

  it.each([
    ['no direction', { subject: 'x' }, '/direction'],
    ['a bad recipient', { direction: 'outbound', to: ['not-an-email'] }, '/to/0'],
    ['an unknown field', { direction: 'outbound', cc: ['a@b.c'] }, '/cc'],
  ])('refuses one with %s, writing nothing', async (_label, body, pointer) => {
    const id = await newContact();
    const before = await count('emails');
    const res = await ws.req('POST', `/v1/contacts/${id}/emails`, body);
    expect(res.status).toBe(422);
    expect(pointers(res.body)).toContain(pointer);
    expect(await count('emails')).toBe(before);
  });

  it('refuses to send without a subject or to a contact without an address', async () => {
    const id = await newContact();
    expect((await ws.req('POST', `/v1/contacts/${id}/emails/send`, { purpose: 'transactional', body: 'x' })).status).toBe(422);
    const noEmail = (await ws.req('POST', '/v1/contacts', { phone: `+3465${String(1_000_000 + ++seq).padStart(7, '0')}` })).body.id;
    const res = await ws.req('POST', `/v1/contacts/${noEmail}/emails/send`, { purpose: 'transactional', subject: 's', body: 'b' });
    expect(res.body).toMatchObject({ status: 422, code: 'contact_has_no_email' });
  });
});

describe('WhatsApp messages', () => {
  it('records inbound ones by type, refuses a duplicate provider id and a delivery status on them', async () => {
    const id = await newContact();
    const m = await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', type: 'media', mediaUrl: 'https://cdn.example.com/a.jpg', providerMessageId: 'wamid.1' });
    expect(m.status).toBe(201);
    expect(m.body).toMatchObject({ direction: 'inbound', type: 'media', status: 'received', providerMessageId: 'wamid.1', sentAt: clock.now().toISOString() });
    expect((await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', body: 'x', providerMessageId: 'wamid.1' })).status).toBe(409);
    const noBody = await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', type: 'text' });
    expect(noBody.status).toBe(422);
    expect(pointers(noBody.body)).toEqual(['/body']);
    const status = await ws.req('PATCH', `/v1/whatsapp-messages/${m.body.id}`, { status: 'read' });
    expect(status.status).toBe(422);
    expect((await ws.req('PATCH', `/v1/whatsapp-messages/${m.body.id}`, { status: 'opened' })).status).toBe(422);
    expect((await ws.req('GET', `/v1/contacts/${id}/whatsapp-messages`)).body.data).toHaveLength(1);
  });
});

describe('WhatsApp delivery status', () => {
  it('is refused while queued, then only moves forward (late callbacks do not undo read)', async () => {
    const id = await newContact();
    await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', body: 'hola' });
    const sent = await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', text: 'Buenas' });
    const url = `/v1/whatsapp-messages/${sent.body.id}`;
    const early = await ws.req('PATCH', url, { status: 'delivered' });
    expect(early.body).toMatchObject({ status: 422, errors: [{ pointer: '/status', code: 'not_sent_yet' }] });
    await t.deps.services.delivery.deliverWhatsapp({ workspaceId: ws.id, messageId: sent.body.id });
    expect((await ws.req('PATCH', url, { status: 'read' })).body).toMatchObject({ status: 'read', version: 3 });
    expect((await ws.req('PATCH', url, { status: 'delivered' })).body).toMatchObject({ status: 'read', version: 3 });
  });
});

describe('tenancy and the trash', () => {
  it("answers 404 for another workspace's contacts and records on every route, changing nothing", async () => {
    const theirs = await newContact(other);
    const call = await other.req('POST', `/v1/contacts/${theirs}/calls`, { direction: 'inbound', outcome: 'missed' });
    const email = await other.req('POST', `/v1/contacts/${theirs}/emails`, { direction: 'inbound' });
    const wa = await other.req('POST', `/v1/contacts/${theirs}/whatsapp-messages`, { direction: 'inbound', body: 'x' });
    const tpl = await other.req('POST', '/v1/whatsapp-templates', { name: 'theirs', language: 'es', category: 'utility', body: 'x' });
    const notification = (await other.req('GET', '/v1/notifications')).body.data[0];
    expect([call.status, email.status, wa.status, tpl.status]).toEqual([201, 201, 201, 201]);
    expect(notification).toMatchObject({ type: 'contact.pending_attention', contactId: theirs, readAt: null });
    const attempts: [string, string, unknown?][] = [
      ['POST', `/v1/contacts/${theirs}/calls`, { direction: 'inbound', outcome: 'missed' }],
      ['GET', `/v1/contacts/${theirs}/calls`],
      ['POST', `/v1/contacts/${theirs}/emails`, { direction: 'inbound' }],
      ['POST', `/v1/contacts/${theirs}/emails/send`, { purpose: 'transactional', subject: 's', body: 'b' }],
      ['GET', `/v1/contacts/${theirs}/emails`],
      ['POST', `/v1/contacts/${theirs}/whatsapp-messages`, { direction: 'inbound', body: 'x' }],
      ['POST', `/v1/contacts/${theirs}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', template: { name: 'theirs' } }],
      ['GET', `/v1/contacts/${theirs}/whatsapp-messages`],
      ['POST', `/v1/contacts/${theirs}/ignore`],
      ['POST', `/v1/contacts/${theirs}/unignore`],
      ['GET', `/v1/calls/${call.body.id}`],
      ['PATCH', `/v1/calls/${call.body.id}`, { outcome: 'answered' }],
      ['DELETE', `/v1/calls/${call.body.id}`],
      ['GET', `/v1/emails/${email.body.id}`],
      ['DELETE', `/v1/emails/${email.body.id}`],
      ['GET', `/v1/whatsapp-messages/${wa.body.id}`],
      ['PATCH', `/v1/whatsapp-messages/${wa.body.id}`, { status: 'read' }],
      ['DELETE', `/v1/whatsapp-messages/${wa.body.id}`],
      ['GET', `/v1/whatsapp-templates/${tpl.body.id}`],
      ['PATCH', `/v1/whatsapp-templates/${tpl.body.id}`, { body: 'mine now' }],
      ['DELETE', `/v1/whatsapp-templates/${tpl.body.id}`],
      ['POST', `/v1/notifications/${notification.id}/read`],
    ];
    const tables = ['calls', 'emails', 'whatsapp_messages', 'whatsapp_templates', 'notifications', 'outbox'];
    const before = await Promise.all(tables.map((x) => count(x, other)));
    for (const [method, url, body] of attempts) {
      const res = await ws.req(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    expect(await Promise.all(tables.map((x) => count(x, other)))).toEqual(before);
    expect((await other.req('GET', `/v1/contacts/${theirs}`)).body).toMatchObject({ ignored: false, pendingAttention: { pending: true } });
    expect((await other.req('GET', `/v1/notifications/`)).body.data[0].readAt).toBeNull();
  });

  it('keeps the communications of a trashed contact readable but takes no new ones', async () => {
    const id = await newContact();
    await ws.req('POST', `/v1/contacts/${id}/calls`, { direction: 'inbound', outcome: 'missed' });
    await ws.req('DELETE', `/v1/contacts/${id}`);
    expect((await ws.req('GET', `/v1/contacts/${id}/calls`)).body.data).toHaveLength(1);
    expect((await ws.req('POST', `/v1/contacts/${id}/calls`, { direction: 'inbound', outcome: 'missed' })).status).toBe(404);
    expect((await ws.req('GET', '/v1/attention-queue')).body.data.map((c: { id: string }) => c.id)).not.toContain(id);
  });
});
