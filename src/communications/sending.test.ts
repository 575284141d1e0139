import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { fixedClock } from '../lib/clock.ts';
import { queryRows } from '../lib/db.ts';
import { jobHandlers } from '../workers.ts';

const clock = fixedClock('2026-11-24T08:00:00.000Z');
let t: TestApp;
let ws: TestWorkspace;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
  const tpl = (name: string, category: string) => ws.req('POST', '/v1/whatsapp-templates', { name, language: 'es', category, body: `Plantilla ${name}` });
  expect((await tpl('appointment_reminder', 'utility')).status).toBe(201);
  expect((await tpl('black_friday', 'marketing')).status).toBe(201);
});
afterAll(() => t.close());

const count = async (table: string) =>
  Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id}`))[0]!.n);

const newContact = async (consents: Record<string, boolean> = {}) => {
  const res = await ws.req('POST', '/v1/contacts', { phone: `+3463${String(1_000_000 + ++seq).padStart(7, '0')}`, email: `send${seq}@example.com`, consents });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

const receiveWhatsapp = (id: string, at: string) => ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', body: 'Hola', sentAt: at });
const sendText = (id: string, purpose = 'transactional') => ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'outbound', purpose, text: '¿Te llamo?' });

describe('the WhatsApp 24-hour window', () => {
  it('is closed and never opened for a contact that has not written', async () => {
    const id = await newContact();
    const c = await ws.req('GET', `/v1/contacts/${id}`);
    expect(c.body.whatsappWindow).toEqual({ open: false, expiresAt: null, remainingSeconds: 0 });
    const res = await sendText(id);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'whatsapp_window_closed' });
    expect(res.body.detail).toMatch(/template/);
  });

  it.each([
    ['23:59:59 after the last received message: open with 1 s left, free-form allowed', 86_399_000, true, 1],
    ['exactly 24:00:00 after: closed', 86_400_000, false, 0],
    ['24:00:01 after: closed, free-form refused, a template still goes', 86_401_000, false, 0],
  ])('at %s', async (_label, elapsed, open, remaining) => {
    const id = await newContact();
    const received = '2026-11-24T08:00:00.000Z';
    clock.set(received);
    expect((await receiveWhatsapp(id, received)).status).toBe(201);
    clock.set(new Date(Date.parse(received) + elapsed));
    try {
      const c = await ws.req('GET', `/v1/contacts/${id}`);
      expect(c.body.whatsappWindow).toEqual({ open, expiresAt: '2026-11-25T08:00:00.000Z', remainingSeconds: remaining });
      const before = await count('whatsapp_messages');
      const res = await sendText(id);
      if (open) {
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ direction: 'outbound', type: 'text', status: 'queued', purpose: 'transactional' });
      } else {
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: 'whatsapp_window_closed', expiresAt: '2026-11-25T08:00:00.000Z' });
        expect(await count('whatsapp_messages')).toBe(before);
        const tpl = await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', template: { name: 'appointment_reminder', variables: ['lunes'] } });
        expect(tpl.status).toBe(201);
        expect(tpl.body).toMatchObject({ type: 'template', templateName: 'appointment_reminder', templateLanguage: 'es', templateVariables: ['lunes'] });
      }
    } finally {
      clock.set('2026-11-24T08:00:00.000Z');
    }
  });

  it('is restarted by a newer received message, never by an outbound one, and not moved back by a late older one', async () => {
    const id = await newContact();
    clock.set('2026-11-24T10:00:00.000Z');
    await receiveWhatsapp(id, '2026-11-24T09:00:00.000Z');
    await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', text: 'ok' });
    await receiveWhatsapp(id, '2026-11-24T07:00:00.000Z');
    const c = await ws.req('GET', `/v1/contacts/${id}`);
    expect(c.body.whatsappWindow).toEqual({ open: true, expiresAt: '2026-11-25T09:00:00.000Z', remainingSeconds: 23 * 3600 });
    clock.set('2026-11-24T08:00:00.000Z');
  });
});

describe('consent × purpose', () => {
  const CASES = [
    { channel: 'whatsapp', purpose: 'transactional', consent: 'transactionalWhatsapp' },
    { channel: 'whatsapp', purpose: 'marketing', consent: 'marketingWhatsapp' },
    { channel: 'email', purpose: 'transactional', consent: 'transactionalEmail' },
    { channel: 'email', purpose: 'marketing', consent: 'marketingEmail' },
  ] as const;
  const ALL = ['transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail'];

  const send = (id: string, channel: string, purpose: string) =>
    channel === 'email'
      ? ws.req('POST', `/v1/contacts/${id}/emails/send`, { purpose, subject: 'Oferta', body: 'Hola' })
      : ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'outbound', purpose, template: { name: purpose === 'marketing' ? 'black_friday' : 'appointment_reminder' } });

  for (const c of CASES) {
    for (const given of [true, false]) {
      it(`${c.purpose} ${c.channel} with ${c.consent} ${given ? 'on → sent' : 'off → consent_missing, nothing written'} (every other consent the opposite)`, async () => {
        const consents = Object.fromEntries(ALL.map((k) => [k, k === c.consent ? given : !given]));
        const id = await newContact(consents);
        const [msgs, outbox] = [await count(c.channel === 'email' ? 'emails' : 'whatsapp_messages'), await count('outbox')];
        const res = await send(id, c.channel, c.purpose);
        if (given) {
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          expect(res.body).toMatchObject({ status: 'queued', purpose: c.purpose });
        } else {
          expect(res.status).toBe(422);
          expect(res.body).toMatchObject({ code: 'consent_missing', consent: c.consent });
          expect(await count(c.channel === 'email' ? 'emails' : 'whatsapp_messages')).toBe(msgs);
          expect(await count('outbox')).toBe(outbox);
        }
      });
    }
  }

  it('refuses a marketing template sent as transactional', async () => {
    const id = await newContact({ marketingWhatsapp: true });
    const res = await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', template: { name: 'black_friday' } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/purpose', code: 'template_is_marketing' });
  });

  it('sends to an ignored contact, still checking consent and window', async () => {
    const id = await newContact();
    expect((await ws.req('POST', `/v1/contacts/${id}/ignore`)).body).toMatchObject({ id, ignored: true });
    expect((await sendText(id)).body.code).toBe('whatsapp_window_closed');
    expect((await send(id, 'whatsapp', 'marketing')).body.code).toBe('consent_missing');
    expect((await send(id, 'whatsapp', 'transactional')).status).toBe(201);
    expect((await send(id, 'email', 'transactional')).status).toBe(201);
  });
});

describe('bad sends change nothing', () => {
  it.each([
    ['an unknown template', { direction: 'outbound', purpose: 'transactional', template: { name: 'nope' } }, 'whatsapp_template_unknown', '/template/name'],
    ['a template in a language it does not exist in', { direction: 'outbound', purpose: 'transactional', template: { name: 'appointment_reminder', language: 'en' } }, 'whatsapp_template_unknown', '/template/language'],
    ['both text and template', { direction: 'outbound', purpose: 'transactional', text: 'x', template: { name: 'appointment_reminder' } }, 'validation_failed', '/text'],
    ['neither text nor template', { direction: 'outbound', purpose: 'transactional' }, 'validation_failed', '/text'],
    ['no purpose', { direction: 'outbound', text: 'x' }, 'validation_failed', '/purpose'],
    ['no direction', { text: 'x', purpose: 'transactional' }, 'validation_failed', '/direction'],
  ])('%s', async (_label, body, code, pointer) => {
    const id = await newContact();
    const before = [await count('whatsapp_messages'), await count('outbox')];
    const res = await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, body);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe(code);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect([await count('whatsapp_messages'), await count('outbox')]).toEqual(before);
  });
});

describe('delivery', () => {
  const outboxFor = async (messageId: string) =>
    (await queryRows<{ topic: string; payload: Record<string, unknown> & { workspaceId: string } }>(t.database.systemDb, sql`SELECT topic, payload FROM outbox WHERE workspace_id = ${ws.id} AND payload->>'messageId' = ${messageId}`));

  it('records the message and its delivery job in one transaction; running the job twice sends once', async () => {
    const id = await newContact();
    await receiveWhatsapp(id, '2026-11-24T07:59:00.000Z');
    const sent = await sendText(id);
    expect(sent.status).toBe(201);
    const jobs = await outboxFor(sent.body.id);
    expect(jobs).toHaveLength(1);
    const handler = jobHandlers(t.deps)[jobs[0]!.topic]!.run;
    // As after a crash between delivering and marking the message sent, then a retry.
    await handler(jobs[0]!.payload, { id: 'a', retryCount: 0, lastAttempt: false });
    await t.database.raw(`UPDATE whatsapp_messages SET status = 'queued' WHERE workspace_id = $1 AND id = $2`, [ws.id, sent.body.id]);
    await handler(jobs[0]!.payload, { id: 'a', retryCount: 1, lastAttempt: false });
    await handler(jobs[0]!.payload, { id: 'a', retryCount: 2, lastAttempt: false });
    const deliveries = await queryRows<{ recipient: string; payload: { text: string } }>(t.database.systemDb, sql`SELECT recipient, payload FROM outbound_deliveries WHERE workspace_id = ${ws.id} AND message_id = ${sent.body.id}`);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.payload.text).toBe('¿Te llamo?');
    const after = await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`);
    expect(after.body).toMatchObject({ status: 'sent', providerMessageId: `recorded-whatsapp-${sent.body.id}` });
  });

  it('delivers an email to the contact and marks it sent', async () => {
    const id = await newContact();
    const sent = await ws.req('POST', `/v1/contacts/${id}/emails/send`, { purpose: 'transactional', subject: 'Tu cita', body: 'Mañana a las 10' });
    expect(sent.body).toMatchObject({ direction: 'outbound', status: 'queued', to: [`send${seq}@example.com`] });
    const [job] = await outboxFor(sent.body.id);
    await jobHandlers(t.deps)[job!.topic]!.run(job!.payload, { id: 'b', retryCount: 0, lastAttempt: false });
    await jobHandlers(t.deps)[job!.topic]!.run(job!.payload, { id: 'b', retryCount: 1, lastAttempt: false });
    expect((await ws.req('GET', `/v1/emails/${sent.body.id}`)).body.status).toBe('sent');
    expect(Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM outbound_deliveries WHERE workspace_id = ${ws.id} AND message_id = ${sent.body.id}`))[0]!.n)).toBe(1);
  });

  it('does not deliver a message deleted before its job ran', async () => {
    const id = await newContact();
    const sent = await ws.req('POST', `/v1/contacts/${id}/emails/send`, { purpose: 'transactional', subject: 'x', body: 'y' });
    expect((await ws.req('DELETE', `/v1/emails/${sent.body.id}`)).status).toBe(204);
    const [job] = await outboxFor(sent.body.id);
    await jobHandlers(t.deps)[job!.topic]!.run(job!.payload, { id: 'c', retryCount: 0, lastAttempt: false });
    expect(Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM outbound_deliveries WHERE workspace_id = ${ws.id} AND message_id = ${sent.body.id}`))[0]!.n)).toBe(0);
  });

  it('marks a message failed when its delivery retries are spent, and the contact is waiting again', async () => {
    const id = await newContact();
    await receiveWhatsapp(id, '2026-11-24T07:59:00.000Z');
    const sent = await sendText(id);
    expect((await ws.req('GET', `/v1/contacts/${id}`)).body.pendingAttention.pending).toBe(false);
    const [job] = await outboxFor(sent.body.id);
    await jobHandlers(t.deps)[job!.topic]!.giveUp!(job!.payload, new Error('provider down'));
    expect((await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body.status).toBe('failed');
    expect((await ws.req('GET', `/v1/contacts/${id}`)).body.pendingAttention.pending).toBe(true);
    // A later give-up (or a late duplicate) changes nothing more; a sent message is never failed.
    await jobHandlers(t.deps)[job!.topic]!.giveUp!(job!.payload, new Error('again'));
    expect((await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body.status).toBe('failed');
  });
});

describe('WhatsApp templates', () => {
  it('are admin-managed: name + language unique, bad names refused, members may not write', async () => {
    const dup = await ws.req('POST', '/v1/whatsapp-templates', { name: 'appointment_reminder', language: 'es', category: 'utility', body: 'x' });
    expect(dup.status).toBe(409);
    const bad = await ws.req('POST', '/v1/whatsapp-templates', { name: 'Bad Name', language: 'spanish', category: 'promo', body: '' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/body', '/category', '/language', '/name']);
    const member = await t.deps.services.apiKeys.create({ workspaceId: ws.id, role: 'owner', userId: ws.ownerId, type: 'user', principalId: ws.ownerId }, { name: 'm', role: 'member' });
    const asMember = ws.as(member.secret);
    expect((await asMember('GET', '/v1/whatsapp-templates')).status).toBe(200);
    expect((await asMember('POST', '/v1/whatsapp-templates', { name: 'x_y', language: 'es', category: 'utility', body: 'x' })).status).toBe(403);
    const list = await ws.req('GET', '/v1/whatsapp-templates');
    const id = list.body.data.find((x: { name: string }) => x.name === 'appointment_reminder').id;
    const upd = await ws.req('PATCH', `/v1/whatsapp-templates/${id}`, { body: 'Nuevo texto' }, { 'if-match': '"1"' });
    expect(upd.body).toMatchObject({ body: 'Nuevo texto', version: 2 });
    expect((await ws.req('PATCH', `/v1/whatsapp-templates/${id}`, { body: 'z' }, { 'if-match': '"1"' })).status).toBe(412);
  });
});
