import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { queryRows } from '../lib/db.ts';
import { bankflipClient } from './bankflip-client.ts';
import { bankflipSignature, verifyBankflipSignature } from './bankflip-signature.ts';
import { bankflipWebhook, startFakeBankflip, type FakeBankflip } from './fake-bankflip.ts';

/** Bankflip end to end: signed SESSION_COMPLETED webhooks through the real hook, the job reading the session from a fake Bankflip API on 127.0.0.1 and storing its documents. */
let api: FakeBankflip;
let t: TestApp;
let ws: TestWorkspace;
let integrationId: string;
const SECRET = Buffer.from('bankflip_e2e_secret').toString('base64');
const API_KEY = 'bf_test_api_key';
const PUBLIC = 'https://crm.example.com';
const ran = new Set<string>();
const PDF = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);

beforeAll(async () => {
  api = await startFakeBankflip(API_KEY);
  t = await startTestApp({ config: { outboundAllow: [api.hostPort] } });
  ws = await t.workspace({ defaultCountry: 'ES' });
  const res = await ws.req('POST', '/v1/integrations', { provider: 'bankflip', name: 'Bankflip solvencia', settings: { apiBaseUrl: api.url, publicBaseUrl: PUBLIC }, secrets: { webhookSecret: SECRET, apiKey: API_KEY } });
  expect(res.status).toBe(201);
  integrationId = res.body.id;
});
afterAll(async () => {
  await t.close();
  await api.close();
});

const now = () => Math.floor(t.deps.clock.now().getTime() / 1000);
const path = (id = integrationId) => `/v1/hooks/bankflip/${id}`;
function post(body: unknown, opts: { secret?: string; timestamp?: number; id?: string } = {}) {
  const signed = bankflipWebhook(opts.secret ?? SECRET, PUBLIC + path(opts.id), body, opts.timestamp ?? now());
  return t.app.inject({ method: 'POST', url: path(opts.id), headers: signed.headers, payload: signed.body });
}
const drain = () => drainWorkspaceJobs(t, ws.id, ran, { ignoreErrors: true });
const eventCount = async () => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM integration_events WHERE workspace_id = ${ws.id}`))[0]!.n);
const events = async () => (await ws.req('GET', `/v1/integrations/${integrationId}/events?limit=200`)).body.data as { id: string; eventKey: string; kind: string; status: string; reason: string | null }[];
const documentsOf = async (contactId: string) => (await ws.req('GET', `/v1/contacts/${contactId}/documents`)).body.data as { name: string; contentType: string; sha256: string }[];

let seq = 0;
/** A completed session on the fake with one IRPF PDF and one JSON extraction. */
function session(metadata: Record<string, unknown>) {
  const id = `sess_${++seq}_${Date.now().toString(36)}`;
  api.documents.set(`${id}_doc1`, { contentType: 'application/pdf', body: PDF(`IRPF ${id}`) });
  api.documents.set(`${id}_doc2`, { contentType: 'application/json', body: Buffer.from(JSON.stringify({ casilla0435: 31250.5, sesion: id })) });
  api.sessions.set(id, {
    metadata,
    summary: {
      modelRequestOutcomes: [
        { completed: true, modelRequest: { model: { type: 'AEAT_IRPF_DATOS_FISCALES', year: 2024 } }, documents: [
          { id: `${id}_doc1`, sessionId: id, name: 'Datos fiscales 2024', extension: 'pdf', contentType: 'application/pdf', createdAt: '2026-01-01T00:00:00Z', model: { type: 'AEAT_IRPF_DATOS_FISCALES' } },
          { id: `${id}_doc2`, sessionId: id, name: 'Datos fiscales 2024 (extraídos)', extension: 'json', contentType: 'application/json', createdAt: '2026-01-01T00:00:00Z', model: { type: 'AEAT_IRPF_DATOS_FISCALES' } },
        ], noDocumentReasons: [] },
        { completed: false, modelRequest: { model: { type: 'TGSS_VIDA_LABORAL' } }, documents: [], noDocumentReasons: [{ reason: 'document_not_found', subreason: 'no_affiliation' }] },
      ],
      identityVerification: { id: 'iv_1', state: 'ok', koReason: null },
    },
  });
  return id;
}
const completed = (sessionId: string) => ({ name: 'SESSION_COMPLETED', payload: { sessionId } });

describe('Bankflip signature', () => {
  it('reproduces the known-answer vector of integrations.md §0.3', () => {
    const body = '{"name":"SESSION_COMPLETED","payload":{"sessionId":"sess_123"}}';
    const url = 'https://crm.example.com/webhooks/bankflip';
    expect(bankflipSignature('YmFua2ZsaXBfdGVzdF9zZWNyZXQ=', 'POST', url, body, '1735689600')).toBe('2I47f0zTaU4nj4Dq19fTAHNvBBq2ef82p32ITk5zDE0=');
    const headers = { 'x-signature-v1': '2I47f0zTaU4nj4Dq19fTAHNvBBq2ef82p32ITk5zDE0=', 'x-signature-timestamp': '1735689600' };
    expect(verifyBankflipSignature(['YmFua2ZsaXBfdGVzdF9zZWNyZXQ='], 'POST', [url], Buffer.from(body), headers, 1735689600 + 60)).toBe(true);
    expect(verifyBankflipSignature(['YmFua2ZsaXBfdGVzdF9zZWNyZXQ='], 'POST', [url], Buffer.from(body), headers, 1735689600 + 600)).toBe(false);
    expect(verifyBankflipSignature(['YmFua2ZsaXBfdGVzdF9zZWNyZXQ='], 'POST', [`${url}x`], Buffer.from(body), headers, 1735689600)).toBe(false);
  });
});

describe('Bankflip webhook', () => {
  it('stores a completed session once, updates the contact and puts its documents on the timeline', async () => {
    const contact = (await ws.req('POST', '/v1/contacts', { firstName: 'Marta', email: 'marta.bankflip@example.com' })).body;
    const id = session({ contactId: contact.id, lastName: 'Ruiz Peña', phone: '612 34 56 01' });
    const res = await post(completed(id));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: 1, stored: 1 });
    await drain();
    const ev = (await events()).find((e) => e.eventKey === id)!;
    expect(ev).toMatchObject({ kind: 'session_completed', status: 'processed' });
    expect(ev.reason).toContain('2 document(s) stored');
    expect(ev.reason).toContain('TGSS_VIDA_LABORAL: document_not_found/no_affiliation');
    const updated = (await ws.req('GET', `/v1/contacts/${contact.id}`)).body;
    expect(updated).toMatchObject({ firstName: 'Marta', lastName: 'Ruiz Peña', phone: '+34612345601' });
    const docs = await documentsOf(contact.id);
    expect(docs.map((d) => d.name).sort()).toEqual(['AEAT_IRPF_DATOS_FISCALES - Datos fiscales 2024 (extraídos).json', 'AEAT_IRPF_DATOS_FISCALES - Datos fiscales 2024.pdf']);
    const timeline = (await ws.req('GET', `/v1/contacts/${contact.id}/timeline`)).body.data as { type: string }[];
    expect(timeline.filter((i) => i.type === 'document')).toHaveLength(2);
    expect(api.requests.every((r) => r.authorization === `Bearer ${API_KEY}`)).toBe(true);

    // The same delivery again stores nothing; a replay stores no document twice.
    expect((await post(completed(id))).json()).toEqual({ received: 1, stored: 0 });
    expect((await ws.req('POST', `/v1/integrations/${integrationId}/events/${ev.id}/replay`)).status).toBeLessThan(300);
    await drain();
    expect(await documentsOf(contact.id)).toHaveLength(2);
  });

  it('creates the contact from the metadata when none matches (source bankflip)', async () => {
    const id = session({ email: 'Nuevo.Bankflip@Example.com', firstName: 'Íñigo' });
    expect((await post(completed(id))).statusCode).toBe(200);
    await drain();
    const [row] = await queryRows<{ id: string; source: string; source_detail: string }>(t.database.systemDb, sql`SELECT id, source, source_detail FROM contacts WHERE workspace_id = ${ws.id} AND first_name = 'Íñigo'`);
    expect(row).toMatchObject({ source: 'bankflip', source_detail: `session:${id}` });
    expect(await documentsOf(row!.id)).toHaveLength(2);
  });

  it('retries the API when it answers 5xx, then processes', async () => {
    const contact = (await ws.req('POST', '/v1/contacts', { firstName: 'Reintento', email: 'retry.bankflip@example.com' })).body;
    const id = session({ contactId: contact.id });
    api.script.push({ status: 503, body: { code: 'UNAVAILABLE' } }, { status: 502, body: 'Bad gateway' });
    const before = api.requests.length;
    expect((await post(completed(id))).statusCode).toBe(200);
    await drain();
    expect((await events()).find((e) => e.eventKey === id)).toMatchObject({ status: 'processed' });
    expect(api.requests.length - before).toBe(2 + 4);
    expect(await documentsOf(contact.id)).toHaveLength(2);
  });

  it('refuses a bad signature or a stale timestamp with 401 and stores nothing', async () => {
    const before = await eventCount();
    const wrong = await post(completed(session({})), { secret: Buffer.from('otro secreto').toString('base64') });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.json().code).toBe('webhook_signature_invalid');
    expect((await post(completed(session({})), { timestamp: now() - 3600 })).statusCode).toBe(401);
    const unsigned = await t.app.inject({ method: 'POST', url: path(), headers: { 'content-type': 'application/json' }, payload: JSON.stringify(completed('sess_x')) });
    expect(unsigned.statusCode).toBe(401);
    expect(await eventCount()).toBe(before);
  });

  it('stores a malformed body as failed with the reason; a session unknown to the API fails; 404 for an unknown integration', async () => {
    expect((await post('{"name":"SESSION_COMPLETED","payload":')).statusCode).toBe(200);
    expect((await post({ name: 'SESSION_COMPLETED', payload: {} })).statusCode).toBe(200);
    expect((await post(completed('sess_unknown'))).statusCode).toBe(200);
    await drain();
    const evs = await events();
    expect(evs.find((e) => e.reason === 'the body is not JSON')).toMatchObject({ status: 'failed', kind: 'malformed' });
    expect(evs.find((e) => e.reason === 'payload.sessionId is missing or not a session id')).toMatchObject({ status: 'failed' });
    expect(evs.find((e) => e.eventKey === 'sess_unknown')).toMatchObject({ status: 'failed', reason: expect.stringContaining('404') });
    expect((await post(completed('sess_1'), { id: '0190a000-0000-7000-8000-000000000000' })).statusCode).toBe(404);
  });

  it('refuses an API host on a private address unless it is the allow-listed fake (R35)', async () => {
    const id = session({});
    await expect(bankflipClient({ baseUrl: api.url, apiKey: API_KEY }).session(id)).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('refused') });
    await expect(bankflipClient({ baseUrl: 'https://10.0.0.5', apiKey: API_KEY }).session(id)).rejects.toMatchObject({ retryable: false });
    await expect(bankflipClient({ baseUrl: 'https://169.254.169.254/latest', apiKey: API_KEY }).summary(id)).rejects.toMatchObject({ retryable: false });
    const before = api.requests.length;
    expect(await bankflipClient({ baseUrl: api.url, apiKey: API_KEY, policy: { allow: [api.hostPort] } }).session(id)).toMatchObject({ id });
    expect(api.requests.length).toBe(before + 1);

    // Through the hook: an integration whose host is private fails the event, calling nothing.
    const res = await ws.req('POST', '/v1/integrations', { provider: 'bankflip', name: 'Bankflip interno', settings: { apiBaseUrl: 'https://192.168.1.10', publicBaseUrl: PUBLIC }, secrets: { webhookSecret: SECRET, apiKey: API_KEY } });
    expect(res.status).toBe(201);
    expect((await post(completed(id), { id: res.body.id })).statusCode).toBe(200);
    await drain();
    const evs = (await ws.req('GET', `/v1/integrations/${res.body.id}/events`)).body.data as { status: string; reason: string }[];
    expect(evs[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining('refused') });
    expect(api.requests.length).toBe(before + 1);
  });
});
