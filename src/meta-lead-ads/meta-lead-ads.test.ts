import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { metaSignature } from '../integrations/signatures.ts';
import { queryRows } from '../lib/db.ts';
import { graphError, leadgenWebhook, startFakeLeadGraph, type FakeLeadGraph } from './fake-lead-graph.ts';
import { leadGraphClient } from './lead-graph-client.ts';

/** Meta lead ads end to end: signed leadgen webhooks through the real hook, the job reading each lead from a fake Graph API on 127.0.0.1. */
let graph: FakeLeadGraph;
let t: TestApp;
let ws: TestWorkspace;
let integrationId: string;
const APP_SECRET = 'test_app_secret';
const PAGE_TOKEN = 'test_page_token';
const ran = new Set<string>();

beforeAll(async () => {
  graph = await startFakeLeadGraph(PAGE_TOKEN);
  t = await startTestApp({ config: { metaGraphBaseUrl: graph.url, outboundAllow: [graph.hostPort] } });
  ws = await t.workspace({ defaultCountry: 'ES' });
  const res = await ws.req('POST', '/v1/integrations', {
    provider: 'meta_lead_ads',
    name: 'Anuncios Facebook',
    settings: { verifyToken: 'mi-token-de-verificacion', pageId: '123456789012345', 'map.presupuesto': 'company', 'map.acepta_whatsapp': 'consent:marketingWhatsapp' },
    secrets: { appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN },
  });
  expect(res.status).toBe(201);
  integrationId = res.body.id;
});
afterAll(async () => {
  await t.close();
  await graph.close();
});

const post = (body: string, signature?: string, id = integrationId) =>
  t.app.inject({ method: 'POST', url: `/v1/hooks/meta_lead_ads/${id}`, headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, payload: body });
/** Runs this workspace's pending event jobs (on PostgreSQL the test files share the outbox: another file's events are not ours to run). */
const drain = () => drainWorkspaceJobs(t, ws.id, ran, { ignoreErrors: true });
const eventCount = async () => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM integration_events WHERE workspace_id = ${ws.id}`))[0]!.n);
const events = async () => (await ws.req('GET', `/v1/integrations/${integrationId}/events?limit=200`)).body.data as { id: string; eventKey: string; kind: string; status: string; reason: string | null }[];
const contactByEmail = async (email: string) =>
  (await queryRows<Record<string, unknown>>(t.database.systemDb, sql`SELECT id, first_name, last_name, phone, company, source, source_detail FROM contacts WHERE workspace_id = ${ws.id} AND email = ${email}`))[0];

let seq = 0;
function lead(email: string, extra: Record<string, unknown> = {}) {
  const id = `98765432109${String(++seq).padStart(4, '0')}`;
  graph.leads.set(id, {
    id,
    created_time: '2026-01-01T00:00:00+0000',
    form_id: '555666777888999',
    ad_id: '120200000000000001',
    campaign_name: 'Jornada de puertas abiertas',
    is_organic: false,
    platform: 'fb',
    field_data: [
      { name: 'full_name', values: ['Dana García López'] },
      { name: 'email', values: [email] },
      { name: 'phone_number', values: [`612 34 56 ${70 + seq}`] },
      { name: 'presupuesto', values: ['500k_750k'] },
      { name: 'acepta_whatsapp', values: ['Sí'] },
    ],
    custom_disclaimer_responses: [{ checkbox_key: 'marketing_optin', is_checked: '1' }],
    ...extra,
  });
  return id;
}

describe('Meta lead ads webhook', () => {
  it('answers the GET handshake with the challenge only for the right verify token', async () => {
    const ok = await t.app.inject({ method: 'GET', url: `/v1/hooks/meta_lead_ads/${integrationId}?hub.mode=subscribe&hub.verify_token=mi-token-de-verificacion&hub.challenge=1158201444` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const bad = await t.app.inject({ method: 'GET', url: `/v1/hooks/meta_lead_ads/${integrationId}?hub.mode=subscribe&hub.verify_token=otro&hub.challenge=1158201444` });
    expect(bad.statusCode).toBe(403);
  });

  it('reads the lead from the Graph API and creates the contact with source meta_ads, mapped fields and consents with proof; 3 deliveries → one effect', async () => {
    const id = lead('dana@example.com');
    const { body, signature } = leadgenWebhook(APP_SECRET, [{ leadgenId: id, adId: '120200000000000001' }]);
    for (let i = 0; i < 3; i++) expect((await post(body, signature)).statusCode).toBe(200);
    await drain();
    expect(graph.requests.filter((r) => r.path === `/${id}`)).toHaveLength(1);
    expect(graph.requests.find((r) => r.path === `/${id}`)).toMatchObject({ authorization: `Bearer ${PAGE_TOKEN}` });
    expect(graph.requests.find((r) => r.path === `/${id}`)!.fields).toContain('custom_disclaimer_responses');
    const c = await contactByEmail('dana@example.com');
    expect(c).toMatchObject({ first_name: 'Dana', last_name: 'García López', phone: '+34612345671', company: '500k_750k', source: 'meta_ads', source_detail: 'form:555666777888999 ad:120200000000000001 campaign:Jornada de puertas abiertas' });
    const history = (await ws.req('GET', `/v1/contacts/${c!.id}/consents`)).body;
    const list = (Array.isArray(history) ? history : history.data) as { consent: string; value: boolean; source: string; proof: Record<string, unknown> | null }[];
    const fromLead = list.filter((h) => h.proof?.leadgenId === id);
    expect(fromLead.map((h) => h.consent).sort()).toEqual(['marketingEmail', 'marketingWhatsapp']);
    expect(fromLead.every((h) => h.value && h.source === 'meta_ads')).toBe(true);
    expect(fromLead.find((h) => h.consent === 'marketingEmail')!.proof).toMatchObject({ checkboxKey: 'marketing_optin', formId: '555666777888999', createdTime: '2026-01-01T00:00:00+0000' });
    // A replay of the processed event records nothing twice.
    const ev = (await events()).find((e) => e.eventKey === id)!;
    expect(ev.status).toBe('processed');
    expect((await ws.req('POST', `/v1/integrations/${integrationId}/events/${ev.id}/replay`)).status).toBeLessThan(300);
    await drain();
    const again = (await ws.req('GET', `/v1/contacts/${c!.id}/consents`)).body;
    expect(((Array.isArray(again) ? again : again.data) as { proof: Record<string, unknown> | null }[]).filter((h) => h.proof?.leadgenId === id)).toHaveLength(2);
  });

  it('retries a 429 and a 500 from the Graph API with backoff, then succeeds; an existing contact is found, not duplicated', async () => {
    const made = await ws.req('POST', '/v1/contacts', { email: 'known@example.com', firstName: 'Known' });
    const id = lead('Known@Example.com');
    graph.script.push(graphError(429, 4, 'Application request limit reached'), graphError(500, 2, 'An unexpected error has occurred. Please retry your request later.', undefined, 'OAuthException'));
    const { body, signature } = leadgenWebhook(APP_SECRET, [{ leadgenId: id }]);
    expect((await post(body, signature)).statusCode).toBe(200);
    await drain();
    expect(graph.requests.filter((r) => r.path === `/${id}`)).toHaveLength(3);
    expect((await events()).find((e) => e.eventKey === id)).toMatchObject({ status: 'processed' });
    const rows = await queryRows<{ id: string; source: string }>(t.database.systemDb, sql`SELECT id, source FROM contacts WHERE workspace_id = ${ws.id} AND lower(email) = 'known@example.com'`);
    expect(rows).toEqual([{ id: made.body.id, source: 'api' }]);
  });

  it('a Graph API that keeps answering 5xx leaves the event for the queue to retry (not failed); the integration shows the error', async () => {
    const id = lead('later@example.com');
    graph.script.push(...Array.from({ length: 3 }, () => graphError(503, 2, 'Service temporarily unavailable')));
    const { body, signature } = leadgenWebhook(APP_SECRET, [{ leadgenId: id }]);
    await post(body, signature);
    await drain();
    const ev = (await events()).find((e) => e.eventKey === id)!;
    expect(ev.status).toBe('received');
    expect(ev.reason).toContain('will retry');
    expect((await ws.req('GET', `/v1/integrations/${integrationId}`)).body.status.lastError).toContain('503');
    // The next attempt (the queue's retry) finds the API back.
    await ws.req('POST', `/v1/integrations/${integrationId}/events/${ev.id}/replay`);
    await drain();
    expect((await events()).find((e) => e.eventKey === id)).toMatchObject({ status: 'processed', reason: expect.stringContaining('created contact') });
    expect(await contactByEmail('later@example.com')).toMatchObject({ source: 'meta_ads' });
  });

  it('a lead that does not exist fails its event with the reason; so does a lead of another page', async () => {
    const { body, signature } = leadgenWebhook(APP_SECRET, [{ leadgenId: '111222333444555' }, { leadgenId: lead('otherpage@example.com'), pageId: '999' }]);
    expect((await post(body, signature)).statusCode).toBe(200);
    await drain();
    const evs = await events();
    expect(evs.find((e) => e.eventKey === '111222333444555')).toMatchObject({ status: 'failed' });
    expect(evs.find((e) => e.eventKey === '111222333444555')!.reason).toContain('does not exist');
    expect(evs.find((e) => e.reason?.includes('not this integration'))).toMatchObject({ status: 'failed' });
    expect(await contactByEmail('otherpage@example.com')).toBeUndefined();
  });

  it('refuses a bad or missing signature, or one over re-encoded JSON, with 401 and stores nothing', async () => {
    const before = await eventCount();
    const { body, signature } = leadgenWebhook(APP_SECRET, [{ leadgenId: lead('nobody@example.com') }]);
    expect((await post(body, metaSignature('other_secret', body))).statusCode).toBe(401);
    expect((await post(body)).statusCode).toBe(401);
    expect((await post(JSON.stringify(JSON.parse(body), null, 1), signature)).statusCode).toBe(401);
    expect(await eventCount()).toBe(before);
  });

  it('stores a malformed body as failed with the reason, never a 500; 404 for an unknown integration', async () => {
    const notJson = '{"object":"page","entry":[';
    expect((await post(notJson, metaSignature(APP_SECRET, notJson))).statusCode).toBe(200);
    const noId = JSON.stringify({ object: 'page', entry: [{ id: '1', time: 1, changes: [{ field: 'leadgen', value: { page_id: '1' } }] }] });
    expect((await post(noId, metaSignature(APP_SECRET, noId))).statusCode).toBe(200);
    await drain();
    const evs = await events();
    expect(evs.find((e) => e.reason === 'the body is not JSON')).toMatchObject({ status: 'failed', kind: 'malformed' });
    expect(evs.find((e) => e.reason === 'a leadgen change without a numeric leadgen_id')).toMatchObject({ status: 'failed' });
    const { body, signature } = leadgenWebhook(APP_SECRET, [{ leadgenId: '1' }]);
    expect((await post(body, signature, '0190a000-0000-7000-8000-000000000000')).statusCode).toBe(404);
  });

  it('refuses the Graph API on a private address unless it is the allow-listed fake (R35)', async () => {
    const id = lead('ssrf@example.com');
    const blocked = leadGraphClient({ baseUrl: graph.url, accessToken: PAGE_TOKEN, policy: {} });
    await expect(blocked.lead(id)).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('refused') });
    const metadata = leadGraphClient({ baseUrl: 'https://169.254.169.254/latest', accessToken: PAGE_TOKEN });
    await expect(metadata.lead(id)).rejects.toMatchObject({ retryable: false });
    const before = graph.requests.length;
    const allowed = leadGraphClient({ baseUrl: graph.url, accessToken: PAGE_TOKEN, policy: { allow: [graph.hostPort] } });
    expect((await allowed.lead(id)).id).toBe(id);
    expect(graph.requests.length).toBe(before + 1);
  });
});
