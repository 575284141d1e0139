import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { metaSignature } from '../integrations/signatures.ts';
import { queryRows } from '../lib/db.ts';
import { jobHandlers } from '../workers.ts';
import { graphError, startFakeGraph, type FakeGraph } from './fake-graph-server.ts';
import { GraphError, graphClient } from './graph-client.ts';

/**
 * WhatsApp Cloud API end to end: our webhook receiver and Graph client against a fake Graph API
 * on 127.0.0.1 speaking the real wire format, through the real app, jobs and database.
 */
let t: TestApp;
let ws: TestWorkspace;
let graph: FakeGraph;
let integrationId: string;
const APP_SECRET = 'test_app_secret';
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const ran = new Set<string>();
const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-whatsapp-cloud-'));

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await startTestApp({ config: { graphBaseUrl: graph.url, dataDir, outboundAllow: [new URL(graph.url).host] } });
  ws = await t.workspace();
  const res = await ws.req('POST', '/v1/integrations', {
    provider: 'whatsapp',
    name: 'Ventas',
    settings: { phoneNumberId: PHONE_NUMBER_ID, wabaId: WABA_ID, verifyToken: 'my-verify-token' },
    secrets: { appSecret: APP_SECRET, accessToken: graph.accessToken },
  });
  expect(res.status).toBe(201);
  integrationId = res.body.id;
});
afterAll(async () => {
  await t.close();
  await graph.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const hookUrl = (id = integrationId) => `/v1/hooks/whatsapp/${id}`;
const post = (body: string, headers: Record<string, string> = {}, id = integrationId) =>
  t.app.inject({ method: 'POST', url: hookUrl(id), headers: { 'content-type': 'application/json', ...headers }, payload: body });
const signed = (body: string, secret = APP_SECRET, id = integrationId) => post(body, { 'x-hub-signature-256': metaSignature(secret, body) }, id);

const count = async (table: string, where = sql`TRUE`) =>
  Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id} AND ${where}`))[0]!.n);

/** Runs the integration jobs recorded since the last call, as the worker would. */
const drain = () => drainWorkspaceJobs(t, ws.id, ran);

const nowSeconds = () => String(Math.floor(Date.now() / 1000) - 5);
let seq = 0;
const waId = () => `3461${String(1_000_000 + ++seq).padStart(7, '0')}`;

function envelope(value: Record<string, unknown>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: WABA_ID, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID }, ...value } }] }],
  });
}
const inbound = (from: string, message: Record<string, unknown>, name = 'Dana') =>
  envelope({ contacts: [{ profile: { name }, wa_id: from }], messages: [{ from, id: `wamid.IN${++seq}`, timestamp: nowSeconds(), ...message }] });

const contactByPhone = async (phone: string) => {
  const [row] = await queryRows<{ id: string }>(t.database.systemDb, sql`SELECT id FROM contacts WHERE workspace_id = ${ws.id} AND phone = ${phone}`);
  return row?.id;
};
const messagesOf = async (contactId: string) => (await ws.req('GET', `/v1/contacts/${contactId}/whatsapp-messages`)).body.data as Record<string, unknown>[];
const events = async (q = '') => (await ws.req('GET', `/v1/integrations/${integrationId}/events${q}`)).body.data as Record<string, unknown>[];

describe('integration configuration', () => {
  it('shows the webhook URL, status and which secrets are set, never their values, in the API or the database', async () => {
    const res = await ws.req('GET', `/v1/integrations/${integrationId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: 'whatsapp', name: 'Ventas', secretsSet: ['accessToken', 'appSecret'], webhookUrl: `/v1/hooks/whatsapp/${integrationId}`, settings: { phoneNumberId: PHONE_NUMBER_ID } });
    expect(res.text).not.toContain(APP_SECRET);
    expect(res.text).not.toContain(graph.accessToken);
    const list = await ws.req('GET', '/v1/integrations');
    expect(list.body.data.map((i: { id: string }) => i.id)).toContain(integrationId);
    expect(list.text).not.toContain(APP_SECRET);
    const [row] = await queryRows<Record<string, unknown>>(t.database.systemDb, sql`SELECT * FROM integrations WHERE id = ${integrationId}`);
    expect(JSON.stringify(row)).not.toContain(APP_SECRET);
    expect(JSON.stringify(row)).not.toContain(graph.accessToken);
  });

  it('refuses bad configuration with the field at fault, and members', async () => {
    const bad = await ws.req('POST', '/v1/integrations', { provider: 'whatsapp', name: 'x', settings: { phoneNumberId: 'abc', wabaId: '1', verifyToken: 't' }, secrets: { appSecret: 's', accessToken: 'a' } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.errors)).toContain('/settings/phoneNumberId');
    const unknown = await ws.req('POST', '/v1/integrations', { provider: 'telegram', name: 'x', settings: {}, secrets: {} });
    expect(unknown.status).toBe(422);
    const key = await ws.req('POST', '/v1/api-keys', { name: 'member', role: 'member' });
    const member = ws.as(key.body.secret);
    expect((await member('GET', '/v1/integrations')).status).toBe(403);
    expect((await member('GET', `/v1/integrations/${integrationId}`)).status).toBe(403);
  });

  it('rotates the app secret: the new one and the one it replaced both verify; a removed integration is gone', async () => {
    const made = await ws.req('POST', '/v1/integrations', { provider: 'whatsapp', name: 'Rotación', settings: { phoneNumberId: '555', wabaId: '556', verifyToken: 'v' }, secrets: { appSecret: 'old-secret', accessToken: 'tok' } });
    const id = made.body.id as string;
    const patched = await ws.req('PATCH', `/v1/integrations/${id}`, { secrets: { appSecret: 'new-secret' } }, { 'if-match': `"${made.body.version}"` });
    expect(patched.status).toBe(200);
    expect(patched.body.secretsSet).toEqual(['accessToken', 'appSecret']);
    const body = envelope({ statuses: [] });
    expect((await signed(body, 'new-secret', id)).statusCode).toBe(200);
    expect((await signed(body, 'old-secret', id)).statusCode).toBe(200);
    expect((await signed(body, 'third-secret', id)).statusCode).toBe(401);
    expect((await signed(inbound(waId(), { type: 'text', text: { body: 'x' } }), 'new-secret', id)).statusCode).toBe(200);
    expect(await count('integration_events', sql`integration_id = ${id}`)).toBe(1);
    expect((await ws.req('DELETE', `/v1/integrations/${id}`)).status).toBe(204);
    expect(await count('integration_events', sql`integration_id = ${id}`)).toBe(0);
    expect((await ws.req('GET', `/v1/integrations/${id}`)).status).toBe(404);
    expect((await signed(body, 'new-secret', id)).statusCode).toBe(404);
  });
});

describe('webhook verification handshake', () => {
  const handshake = (q: string, id = integrationId) => t.app.inject({ method: 'GET', url: `${hookUrl(id)}?${q}` });

  it('echoes hub.challenge as plain text for the right verify token', async () => {
    const res = await handshake('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('1158201444');
    expect(res.headers['content-type']).toContain('text/plain');
  });

  it.each([
    ['a wrong token', 'hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope', 403],
    ['another mode', 'hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=my-verify-token', 403],
    ['no challenge', 'hub.mode=subscribe&hub.verify_token=my-verify-token', 403],
  ])('refuses %s', async (_label, q, status) => {
    const res = await handshake(q);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('answers 404 for an unknown integration', async () => {
    expect((await handshake('hub.mode=subscribe&hub.challenge=1&hub.verify_token=my-verify-token', '0193a5f2-7c1e-7b3a-9f7e-2d6c1a0b9e41')).statusCode).toBe(404);
  });
});

describe('inbound messages', () => {
  it('accepts the known-answer vector byte for byte and records the message; contact created with source whatsapp', async () => {
    const body = String.raw`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Jos\u00e9"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.TEST1","timestamp":"1749416383","type":"text","text":{"body":"Hola"}}]}}]}]}`;
    const res = await post(body, { 'x-hub-signature-256': 'sha256=bd2b97a331dd28a5be0b1a51d40cb1b72b6577086f739460efa5c22093e1d77d' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ received: 1, stored: 1 });
    await drain();
    const contactId = await contactByPhone('+16505551234');
    expect(contactId).toBeDefined();
    const contact = await ws.req('GET', `/v1/contacts/${contactId}`);
    expect(contact.body).toMatchObject({ firstName: 'José', source: 'whatsapp', sourceDetail: `whatsapp:${PHONE_NUMBER_ID}` });
    const [message] = await messagesOf(contactId!);
    expect(message).toMatchObject({ direction: 'inbound', type: 'text', body: 'Hola', providerMessageId: 'wamid.TEST1', sentAt: '2025-06-08T20:59:43.000Z' });
    expect((await events()).find((e) => e.eventKey === 'message:wamid.TEST1')).toMatchObject({ status: 'processed', kind: 'message' });
  });

  it('opens the 24-hour window and raises attention; the timeline shows the message', async () => {
    const from = waId();
    await signed(inbound(from, { type: 'text', text: { body: '¿Tenéis cita mañana?' } }));
    await drain();
    const id = (await contactByPhone(`+${from}`))!;
    const contact = await ws.req('GET', `/v1/contacts/${id}`);
    expect(contact.body.whatsappWindow.open).toBe(true);
    expect(contact.body.pendingAttention.pending).toBe(true);
    const timeline = await ws.req('GET', `/v1/contacts/${id}/timeline`);
    expect(JSON.stringify(timeline.body)).toContain('¿Tenéis cita mañana?');
  });

  it('finds an existing contact by phone instead of creating one', async () => {
    const from = waId();
    const existing = await ws.req('POST', '/v1/contacts', { firstName: 'Lucía', phone: `+${from}` });
    await signed(inbound(from, { type: 'text', text: { body: 'Soy Lucía' } }));
    await drain();
    expect(await count('contacts', sql`phone = ${`+${from}`}`)).toBe(1);
    expect((await messagesOf(existing.body.id))[0]).toMatchObject({ body: 'Soy Lucía' });
  });

  it('handles a username user with only a WhatsApp user id (no phone)', async () => {
    const userId = `US.${Date.now()}${seq}`;
    const body = envelope({ contacts: [{ profile: { name: 'Dana' }, user_id: userId }], messages: [{ from_user_id: userId, id: `wamid.BSUID${++seq}`, timestamp: nowSeconds(), type: 'text', text: { body: 'hi' } }] });
    await signed(body);
    await drain();
    const [row] = await queryRows<{ id: string; phone: string | null; source: string }>(t.database.systemDb, sql`SELECT id, phone, source FROM contacts WHERE workspace_id = ${ws.id} AND whatsapp_user_id = ${userId}`);
    expect(row).toMatchObject({ phone: null, source: 'whatsapp' });
    expect((await messagesOf(row!.id))[0]).toMatchObject({ body: 'hi' });
    // The next message from the same user finds them.
    await signed(envelope({ contacts: [{ profile: { name: 'Dana' }, user_id: userId }], messages: [{ from_user_id: userId, id: `wamid.BSUID${++seq}`, timestamp: nowSeconds(), type: 'text', text: { body: 'again' } }] }));
    await drain();
    expect(await count('contacts', sql`whatsapp_user_id = ${userId}`)).toBe(1);
    expect(await messagesOf(row!.id)).toHaveLength(2);
  });

  it.each([
    ['interactive button reply', { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Sí, confirmo' } } }, 'Sí, confirmo'],
    ['interactive list reply', { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Martes', description: 'por la tarde' } } }, 'Martes — por la tarde'],
    ['template quick-reply button', { type: 'button', button: { text: 'Llamadme', payload: 'CALL' } }, 'Llamadme'],
    ['reaction', { type: 'reaction', reaction: { message_id: 'wamid.OUT1', emoji: '👍' } }, 'Reacted 👍'],
    ['location', { type: 'location', location: { latitude: 40.4168, longitude: -3.7038, name: 'Oficina', address: 'Gran Vía 1, Madrid' } }, '📍 Oficina, Gran Vía 1, Madrid (40.4168, -3.7038)'],
    ['contacts card', { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Ruiz' }, phones: [{ phone: '+34 600 000 001', type: 'CELL' }] }] }, 'Shared contact: Ana Ruiz · +34 600 000 001'],
  ])('records a %s as a text message', async (_label, message, expected) => {
    const from = waId();
    await signed(inbound(from, message));
    await drain();
    const [m] = await messagesOf((await contactByPhone(`+${from}`))!);
    expect(m).toMatchObject({ direction: 'inbound', type: 'text', body: expected });
  });

  it('downloads media through the Graph API (bearer token) and stores it as a document of the contact', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 3)]);
    graph.media.set('1234567890123456', { mimeType: 'image/png', content: png });
    const from = waId();
    await signed(inbound(from, { type: 'image', image: { id: '1234567890123456', mime_type: 'image/png', sha256: 'x', caption: 'Nuestro plano' } }));
    await drain();
    const contactId = (await contactByPhone(`+${from}`))!;
    const [m] = await messagesOf(contactId);
    expect(m).toMatchObject({ type: 'media', body: 'Nuestro plano' });
    const docs = await ws.req('GET', `/v1/contacts/${contactId}/documents`);
    expect(docs.body.data).toHaveLength(1);
    expect(m!.mediaUrl).toBe(`/v1/documents/${docs.body.data[0].id}/content`);
    const content = await t.app.inject({ method: 'GET', url: m!.mediaUrl as string, headers: { authorization: `Bearer ${ws.apiKey}` } });
    expect(Buffer.from(content.rawPayload).equals(png)).toBe(true);
    const calls = graph.requests.filter((r) => r.path.includes('1234567890123456'));
    expect(calls.map((r) => r.path)).toEqual(['/1234567890123456', '/download/1234567890123456']);
    expect(calls.every((r) => r.authorization === `Bearer ${graph.accessToken}`)).toBe(true);
  });

  it('records a media message whose file cannot be fetched as text, saying so', async () => {
    const from = waId();
    await signed(inbound(from, { type: 'audio', audio: { id: '999000111', mime_type: 'audio/ogg', voice: true } }));
    await drain();
    const [m] = await messagesOf((await contactByPhone(`+${from}`))!);
    expect(m).toMatchObject({ type: 'text', body: '(audio, not stored)' });
    const [e] = (await events()).filter((x) => String(x.reason).includes('999000111'));
    expect(e).toMatchObject({ status: 'processed' });
  });

  it('stores one event and records one message when the same delivery comes 3× in a row and 3× at once', async () => {
    const from = waId();
    const body = inbound(from, { type: 'text', text: { body: 'una vez' } });
    const before = await count('integration_events');
    for (let i = 0; i < 3; i++) expect((await signed(body)).statusCode).toBe(200);
    const concurrent = await Promise.all([signed(body), signed(body), signed(body)]);
    expect(concurrent.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    await drain();
    expect((await signed(body)).statusCode).toBe(200);
    await drain();
    expect(await count('integration_events')).toBe(before + 1);
    expect(await messagesOf((await contactByPhone(`+${from}`))!)).toHaveLength(1);
  });

  it('splits a delivery with several messages into one event each', async () => {
    const a = waId();
    const b = waId();
    const body = envelope({
      contacts: [{ profile: { name: 'A' }, wa_id: a }, { profile: { name: 'B' }, wa_id: b }],
      messages: [
        { from: a, id: `wamid.MULTI${++seq}`, timestamp: nowSeconds(), type: 'text', text: { body: 'de A' } },
        { from: b, id: `wamid.MULTI${++seq}`, timestamp: nowSeconds(), type: 'text', text: { body: 'de B' } },
      ],
    });
    expect(JSON.parse((await signed(body)).body)).toEqual({ received: 2, stored: 2 });
    await drain();
    expect((await ws.req('GET', `/v1/contacts/${await contactByPhone(`+${a}`)}`)).body.firstName).toBe('A');
    expect((await messagesOf((await contactByPhone(`+${b}`))!))[0]).toMatchObject({ body: 'de B' });
  });
});

describe('refused and malformed deliveries', () => {
  it.each([
    ['a bad signature', { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) }],
    ['no signature', {}],
    ['a signature made with the verify token', { 'x-hub-signature-256': metaSignature('my-verify-token', 'x') }],
  ])('answers 401 to %s and stores nothing', async (_label, headers) => {
    const before = [await count('integration_events'), await count('outbox')];
    const res = await post(inbound(waId(), { type: 'text', text: { body: 'x' } }), headers as Record<string, string>);
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'webhook_signature_invalid' });
    expect([await count('integration_events'), await count('outbox')]).toEqual(before);
  });

  it('answers 404 for an unknown integration id, a non-UUID or another provider, storing nothing', async () => {
    const before = await count('integration_events');
    const body = inbound(waId(), { type: 'text', text: { body: 'x' } });
    expect((await signed(body, APP_SECRET, '0193a5f2-7c1e-7b3a-9f7e-2d6c1a0b9e41')).statusCode).toBe(404);
    expect((await signed(body, APP_SECRET, 'not-a-uuid')).statusCode).toBe(404);
    const other = await t.app.inject({ method: 'POST', url: `/v1/hooks/typeform/${integrationId}`, headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(APP_SECRET, body) }, payload: body });
    expect(other.statusCode).toBe(404);
    expect(await count('integration_events')).toBe(before);
  });

  it('refuses an oversized body with 413 before storing anything', async () => {
    const before = await count('integration_events');
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(3 * 1024 * 1024) });
    const res = await signed(body);
    expect(res.statusCode).toBe(413);
    expect(await count('integration_events')).toBe(before);
  });

  it.each([
    ['not JSON', '{"object": "whatsapp_business_account", "entry": [', /not JSON/],
    ['another object', JSON.stringify({ object: 'page', entry: [] }), /not whatsapp_business_account/],
    ['no entry list', JSON.stringify({ object: 'whatsapp_business_account' }), /entry/],
    ['a message without an id', envelope({ messages: [{ from: '34600000000', timestamp: '1', type: 'text', text: { body: 'x' } }] }), /malformed message 0: id/],
    ['a timestamp that is not Unix seconds', envelope({ messages: [{ from: '34600000000', id: 'wamid.BADTS', timestamp: '2025-01-01', type: 'text', text: { body: 'x' } }] }), /timestamp/],
  ])('stores %s as a failed event with the reason (200, never a 500)', async (_label, body, reason) => {
    const res = await signed(body);
    expect(res.statusCode).toBe(200);
    const [latest] = await events('?status=failed&limit=1');
    expect(latest).toMatchObject({ status: 'failed' });
    expect(String(latest!.reason)).toMatch(reason);
  });

  it('fails an event at processing when its type object lacks what the type needs', async () => {
    const from = waId();
    await signed(inbound(from, { type: 'text', text: {} }));
    await drain();
    const [latest] = await events('?status=failed&limit=1');
    expect(String(latest!.reason)).toMatch(/text\.body/);
    expect(await contactByPhone(`+${from}`)).toBeUndefined();
  });

  it('ignores fields it does not handle, and system messages', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: WABA_ID, changes: [{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } }] }] });
    expect((await signed(body)).statusCode).toBe(200);
    await drain();
    const [latest] = await events('?limit=1');
    expect(latest).toMatchObject({ kind: 'ignored', status: 'processed' });
  });
});

describe('outbound messages through the Graph API', () => {
  const handler = () => jobHandlers(t.deps)['whatsapp.deliver']!;
  const deliveryJob = async (messageId: string) =>
    (await queryRows<{ payload: Record<string, unknown> & { workspaceId: string } }>(t.database.systemDb, sql`SELECT payload FROM outbox WHERE workspace_id = ${ws.id} AND payload->>'messageId' = ${messageId}`))[0]!.payload;
  const sendsTo = (to: string) => graph.requests.filter((r) => r.path === `/${PHONE_NUMBER_ID}/messages` && (r.body as { to?: string }).to === to);

  /** A contact who wrote a moment ago (window open). */
  async function talkingContact(): Promise<{ id: string; digits: string }> {
    const digits = waId();
    await signed(inbound(digits, { type: 'text', text: { body: 'hola' } }));
    await drain();
    return { id: (await contactByPhone(`+${digits}`))!, digits };
  }

  it('sends free text with the access token and records the wamid; statuses out of order end at read', async () => {
    const c = await talkingContact();
    const sent = await ws.req('POST', `/v1/contacts/${c.id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', text: 'Sí, a las 10' });
    expect(sent.status).toBe(201);
    await handler().run(await deliveryJob(sent.body.id), { id: 'j1', retryCount: 0, lastAttempt: false });
    const [req] = sendsTo(c.digits);
    expect(req).toMatchObject({ method: 'POST', authorization: `Bearer ${graph.accessToken}`, body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: c.digits, type: 'text', text: { preview_url: false, body: 'Sí, a las 10' }, biz_opaque_callback_data: sent.body.id } });
    const after = (await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body;
    expect(after.status).toBe('sent');
    expect(after.providerMessageId).toMatch(/^wamid\.OUT\d+$/);
    const wamid = after.providerMessageId as string;
    const status = (s: string, ts: number) => envelope({ statuses: [{ id: wamid, status: s, timestamp: String(ts), recipient_id: c.digits }] });
    const base = Math.floor(Date.now() / 1000);
    for (const [s, ts] of [['read', base + 3], ['delivered', base + 2], ['sent', base + 1], ['read', base + 3]] as const) expect((await signed(status(s, ts))).statusCode).toBe(200);
    await drain();
    expect((await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body.status).toBe('read');
    // A run of the job again (a retry after a crash) does not send twice.
    await t.database.raw(`UPDATE whatsapp_messages SET status = 'queued' WHERE workspace_id = $1 AND id = $2`, [ws.id, sent.body.id]);
    await handler().run(await deliveryJob(sent.body.id), { id: 'j1', retryCount: 1, lastAttempt: false });
    expect(sendsTo(c.digits)).toHaveLength(1);
  });

  it('applies a failed status (131047, window closed): the message fails and the contact is waiting again', async () => {
    const c = await talkingContact();
    const sent = await ws.req('POST', `/v1/contacts/${c.id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', text: 'Hola de nuevo' });
    await handler().run(await deliveryJob(sent.body.id), { id: 'j2', retryCount: 0, lastAttempt: false });
    expect((await ws.req('GET', `/v1/contacts/${c.id}`)).body.pendingAttention.pending).toBe(false);
    const wamid = (await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body.providerMessageId;
    await signed(envelope({ statuses: [{ id: wamid, status: 'failed', timestamp: nowSeconds(), recipient_id: c.digits, errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'more than 24 hours' } }] }] }));
    await signed(envelope({ statuses: [{ id: wamid, status: 'delivered', timestamp: nowSeconds(), recipient_id: c.digits }] }));
    await drain();
    expect((await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body.status).toBe('failed');
    expect((await ws.req('GET', `/v1/contacts/${c.id}`)).body.pendingAttention.pending).toBe(true);
    const failedEvent = (await events()).find((e) => e.eventKey === `status:${wamid}:failed`);
    expect(String(failedEvent!.reason)).toMatch(/131047.*window had closed/);
    const [state] = await queryRows<{ error_code: number }>(t.database.systemDb, sql`SELECT error_code FROM whatsapp_cloud_sends WHERE workspace_id = ${ws.id} AND message_id = ${sent.body.id}`);
    expect(state!.error_code).toBe(131047);
  });

  it('retries 429 and 5xx (the job throws for the queue to back off), then sends once', async () => {
    const c = await talkingContact();
    const sent = await ws.req('POST', `/v1/contacts/${c.id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', text: 'reintento' });
    const job = await deliveryJob(sent.body.id);
    graph.sendScript.push(graphError(429, 130429, 'Rate limit hit'), graphError(503, 131000, 'Something went wrong'));
    await expect(handler().run(job, { id: 'j3', retryCount: 0, lastAttempt: false })).rejects.toMatchObject({ status: 429, code: 130429 });
    expect((await ws.req('GET', `/v1/integrations/${integrationId}`)).body.status).toMatchObject({ connected: false, lastError: expect.stringContaining('130429') });
    await expect(handler().run(job, { id: 'j3', retryCount: 1, lastAttempt: false })).rejects.toMatchObject({ status: 503 });
    expect((await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body.status).toBe('queued');
    await handler().run(job, { id: 'j3', retryCount: 2, lastAttempt: false });
    expect((await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body.status).toBe('sent');
    expect(sendsTo(c.digits)).toHaveLength(3);
    expect((await ws.req('GET', `/v1/integrations/${integrationId}`)).body.status).toMatchObject({ connected: true, lastError: null });
  });

  it('marks the message failed with the provider error after the last attempt; the contact is waiting again', async () => {
    const c = await talkingContact();
    const sent = await ws.req('POST', `/v1/contacts/${c.id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', text: 'no llegará' });
    const job = await deliveryJob(sent.body.id);
    graph.sendScript.push(graphError(500, 131000, 'Something went wrong'));
    const err = await handler().run(job, { id: 'j4', retryCount: 5, lastAttempt: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 500 });
    await handler().giveUp!(job, err);
    expect((await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body.status).toBe('failed');
    expect((await ws.req('GET', `/v1/contacts/${c.id}`)).body.pendingAttention.pending).toBe(true);
    const [state] = await queryRows<{ error_code: number; error_message: string; attempts: number }>(t.database.systemDb, sql`SELECT error_code, error_message, attempts FROM whatsapp_cloud_sends WHERE workspace_id = ${ws.id} AND message_id = ${sent.body.id}`);
    expect(state).toMatchObject({ error_code: 131000, attempts: 1 });
    expect(state!.error_message).toContain('Something went wrong');
  });

  it('fails at once on a permanent provider error (400 131047), without retrying', async () => {
    const c = await talkingContact();
    graph.closedWindows.add(c.digits);
    const sent = await ws.req('POST', `/v1/contacts/${c.id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', text: 'fuera de ventana' });
    await handler().run(await deliveryJob(sent.body.id), { id: 'j5', retryCount: 0, lastAttempt: false });
    expect((await ws.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body.status).toBe('failed');
    expect(sendsTo(c.digits)).toHaveLength(1);
  });

  it('refuses free text outside the 24-hour window before calling out', async () => {
    const digits = waId();
    const contact = await ws.req('POST', '/v1/contacts', { phone: `+${digits}` });
    const res = await ws.req('POST', `/v1/contacts/${contact.body.id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', text: 'hola' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('whatsapp_window_closed');
    expect(sendsTo(digits)).toHaveLength(0);
  });

  it('syncs templates from the WhatsApp Business account, then sends one with language and parameters', async () => {
    graph.templates = [
      { name: 'cita_recordatorio', language: 'es', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hola {{1}}, su cita es el {{2}}' }] },
      { name: 'promo_otono', language: 'es_ES', status: 'APPROVED', category: 'MARKETING', components: [{ type: 'HEADER', text: 'Oferta' }, { type: 'BODY', text: 'Descuento' }] },
      { name: 'borrador', language: 'es', status: 'PENDING', category: 'UTILITY', components: [{ type: 'BODY', text: 'x' }] },
    ];
    const res = await ws.req('POST', `/v1/integrations/${integrationId}/sync-templates`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fetched: 3, created: 2, updated: 0, skipped: [{ name: 'borrador', reason: 'status PENDING' }] });
    expect(graph.requests.some((r) => r.path === `/${WABA_ID}/message_templates`)).toBe(true);
    const again = await ws.req('POST', `/v1/integrations/${integrationId}/sync-templates`);
    expect(again.body).toMatchObject({ created: 0, updated: 0 });
    const templates = (await ws.req('GET', '/v1/whatsapp-templates')).body.data;
    expect(templates).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'cita_recordatorio', language: 'es', category: 'utility', body: 'Hola {{1}}, su cita es el {{2}}' })]));

    const digits = waId();
    const contact = await ws.req('POST', '/v1/contacts', { phone: `+${digits}` });
    const sent = await ws.req('POST', `/v1/contacts/${contact.body.id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', template: { name: 'cita_recordatorio', variables: ['Dana', 'martes'] } });
    expect(sent.status).toBe(201);
    await handler().run(await deliveryJob(sent.body.id), { id: 'j6', retryCount: 0, lastAttempt: false });
    expect(sendsTo(digits)[0]!.body).toMatchObject({
      type: 'template',
      template: { name: 'cita_recordatorio', language: { code: 'es' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Dana' }, { type: 'text', text: 'martes' }] }] },
    });
  });

  it('answers 502 when the Graph API refuses the template read, and shows it in the status', async () => {
    const made = await ws.req('POST', '/v1/integrations', { provider: 'whatsapp', name: 'Token caducado', settings: { phoneNumberId: '777', wabaId: '778', verifyToken: 'v' }, secrets: { appSecret: 's', accessToken: 'expired' } });
    const res = await ws.req('POST', `/v1/integrations/${made.body.id}/sync-templates`);
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('provider_error');
    expect((await ws.req('GET', `/v1/integrations/${made.body.id}`)).body.status.lastError).toContain('190');
    await ws.req('DELETE', `/v1/integrations/${made.body.id}`);
  });

  it('keeps the recording adapter for a workspace without a WhatsApp integration', async () => {
    const other = await t.workspace();
    const contact = await other.req('POST', '/v1/contacts', { phone: '+34699000222' });
    await other.req('POST', '/v1/whatsapp-templates', { name: 'hello', language: 'es', category: 'utility', body: 'Hola' });
    const sent = await other.req('POST', `/v1/contacts/${contact.body.id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', template: { name: 'hello' } });
    const [job] = await queryRows<{ payload: Record<string, unknown> & { workspaceId: string } }>(t.database.systemDb, sql`SELECT payload FROM outbox WHERE workspace_id = ${other.id} AND payload->>'messageId' = ${sent.body.id}`);
    const before = graph.requests.length;
    await handler().run(job!.payload, { id: 'j7', retryCount: 0, lastAttempt: false });
    expect((await other.req('GET', `/v1/whatsapp-messages/${sent.body.id}`)).body).toMatchObject({ status: 'sent', providerMessageId: `recorded-whatsapp-${sent.body.id}` });
    expect(graph.requests.length).toBe(before);
  });
});

describe('event log and replay', () => {
  it('replays a processed event without doing its work twice', async () => {
    const from = waId();
    await signed(inbound(from, { type: 'text', text: { body: 'replay me' } }));
    await drain();
    const event = (await events()).find((e) => String(e.reason).includes('recorded text message'))!;
    const res = await ws.req('POST', `/v1/integrations/${integrationId}/events/${event.id}/replay`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: event.id, status: 'received' });
    await drain();
    const after = (await events()).find((e) => e.id === event.id)!;
    expect(after).toMatchObject({ status: 'processed', attempts: (event.attempts as number) + 1 });
    expect(await messagesOf((await contactByPhone(`+${from}`))!)).toHaveLength(1);
    expect((await ws.req('POST', `/v1/integrations/${integrationId}/events/0193a5f2-7c1e-7b3a-9f7e-2d6c1a0b9e41/replay`)).status).toBe(404);
  });
});

describe('between workspaces', () => {
  it("refuses a delivery to B's webhook URL signed with A's secret (401, nothing stored); A cannot see or replay B's integration", async () => {
    const b = await t.workspace();
    const made = await b.req('POST', '/v1/integrations', { provider: 'whatsapp', name: 'B', settings: { phoneNumberId: PHONE_NUMBER_ID, wabaId: WABA_ID, verifyToken: 'b-token' }, secrets: { appSecret: 'b-secret', accessToken: 'b-token' } });
    const bId = made.body.id as string;
    const body = inbound(waId(), { type: 'text', text: { body: 'para B' } });
    const bEvents = async () => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM integration_events WHERE workspace_id = ${b.id}`))[0]!.n);
    expect((await signed(body, APP_SECRET, bId)).statusCode).toBe(401);
    expect(await bEvents()).toBe(0);
    // A's verify token does not pass B's handshake either.
    expect((await t.app.inject({ method: 'GET', url: `/v1/hooks/whatsapp/${bId}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=my-verify-token` })).statusCode).toBe(403);
    expect((await signed(body, 'b-secret', bId)).statusCode).toBe(200);
    expect(await bEvents()).toBe(1);
    const [event] = (await b.req('GET', `/v1/integrations/${bId}/events`)).body.data;
    expect((await ws.req('GET', `/v1/integrations/${bId}`)).status).toBe(404);
    expect((await ws.req('GET', `/v1/integrations/${bId}/events`)).status).toBe(404);
    expect((await ws.req('POST', `/v1/integrations/${bId}/events/${event.id}/replay`)).status).toBe(404);
    expect((await ws.req('POST', `/v1/integrations/${integrationId}/events/${event.id}/replay`)).status).toBe(404);
    expect((await ws.req('PATCH', `/v1/integrations/${bId}`, { name: 'mine' })).status).toBe(404);
    expect((await ws.req('GET', '/v1/integrations')).text).not.toContain(bId);
  });
});

describe('Graph API client', () => {
  it('sends media by link and by uploaded id, in the Cloud API shape', async () => {
    const client = graphClient({ baseUrl: graph.url, accessToken: graph.accessToken });
    const a = await client.sendMessage(PHONE_NUMBER_ID, '34600111222', { type: 'image', link: 'https://example.com/plano.png', caption: 'Plano' });
    const b = await client.sendMessage(PHONE_NUMBER_ID, '34600111222', { type: 'document', id: '998877', filename: 'oferta.pdf' });
    expect([a, b]).toEqual([expect.stringMatching(/^wamid\./), expect.stringMatching(/^wamid\./)]);
    const sent = graph.requests.filter((r) => (r.body as { to?: string } | undefined)?.to === '34600111222').map((r) => r.body);
    expect(sent).toEqual([
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: '34600111222', type: 'image', image: { link: 'https://example.com/plano.png', caption: 'Plano' } },
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: '34600111222', type: 'document', document: { id: '998877', filename: 'oferta.pdf' } },
    ]);
  });

  it("classifies errors: Meta's envelope read, 429/5xx retryable, other 4xx permanent, a wrong token permanent", async () => {
    const client = graphClient({ baseUrl: graph.url, accessToken: graph.accessToken });
    graph.sendScript.push(graphError(429, 130429, 'Rate limit hit'), graphError(400, 132001, 'Template name does not exist in the translation'));
    const rate = await client.sendMessage(PHONE_NUMBER_ID, '1', { type: 'text', body: 'x' }).catch((e: unknown) => e);
    const template = await client.sendMessage(PHONE_NUMBER_ID, '1', { type: 'text', body: 'x' }).catch((e: unknown) => e);
    const token = await graphClient({ baseUrl: graph.url, accessToken: 'wrong' }).sendMessage(PHONE_NUMBER_ID, '1', { type: 'text', body: 'x' }).catch((e: unknown) => e);
    expect(rate).toBeInstanceOf(GraphError);
    expect(rate).toMatchObject({ status: 429, code: 130429, retryable: true, permanent: false });
    expect(template).toMatchObject({ status: 400, code: 132001, retryable: false, permanent: true });
    expect(token).toMatchObject({ status: 401, code: 190, permanent: true });
    const down = await graphClient({ baseUrl: 'http://127.0.0.1:9/v21.0', accessToken: 'x' }).sendMessage(PHONE_NUMBER_ID, '1', { type: 'text', body: 'x' }).catch((e: unknown) => e);
    expect(down).toMatchObject({ status: 0, retryable: true });
  });

  it('refuses a media URL that is neither https nor the Graph API origin', async () => {
    graph.media.set('5550001', { mimeType: 'image/png', content: Buffer.from('x') });
    const client = graphClient({ baseUrl: graph.url.replace('127.0.0.1', 'localhost'), accessToken: graph.accessToken });
    await expect(client.downloadMedia('5550001')).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('refused') });
    // Through the SSRF guard (R35): loopback only when allow-listed, as the test app's own fake is.
    const guarded = graphClient({ baseUrl: graph.url, accessToken: graph.accessToken });
    await expect(guarded.downloadMedia('5550001')).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('refused') });
    const allowed = graphClient({ baseUrl: graph.url, accessToken: graph.accessToken, policy: { allow: [new URL(graph.url).host] } });
    expect((await allowed.downloadMedia('5550001')).content.toString()).toBe('x');
  });
});
