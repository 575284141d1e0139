import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { queryRows } from '../lib/db.ts';
import { timestampToken } from './web-forms.provider.ts';

/** Web forms end to end: HTML and JSON posts through the real app, jobs and database. */
let t: TestApp;
let ws: TestWorkspace;
let formId: string;
let signedFormId: string;
const SITE = 'https://www.inmobiliaria.example';
const ran = new Set<string>();

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  const res = await ws.req('POST', '/v1/integrations', {
    provider: 'web_form',
    name: 'Contacto',
    settings: { thankYouUrl: '/gracias', origins: `${SITE} https://landing.example`, 'consentText.marketingEmail': 'Quiero recibir novedades por email', 'map.telefono': 'phone' },
  });
  expect(res.status).toBe(201);
  formId = res.body.id;
  const signedForm = await ws.req('POST', '/v1/integrations', { provider: 'web_form', name: 'Firmado', settings: {}, secrets: { timestampKey: 'ts-key' } });
  expect(signedForm.status).toBe(201);
  signedFormId = signedForm.body.id;
});
afterAll(async () => {
  await t.close();
});

const drain = () => drainWorkspaceJobs(t, ws.id, ran);
const count = async (table: string) => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id}`))[0]!.n);
const html = (fields: Record<string, string>, id = formId, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/v1/forms/${id}`, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(fields).toString() });
const json = (body: unknown, headers: Record<string, string> = {}, id = formId) =>
  t.app.inject({ method: 'POST', url: `/v1/forms/${id}`, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
const contact = async (email: string) =>
  (await queryRows<Record<string, unknown>>(t.database.systemDb, sql`SELECT id, first_name, last_name, phone, source, source_detail, consent_marketing_email FROM contacts WHERE workspace_id = ${ws.id} AND email = ${email}`))[0];

describe('web forms', () => {
  it('an HTML form post answers 303 to the thank-you page and creates the contact (source web) with its consent and proof', async () => {
    const res = await html({ name: 'Lucía García López', email: 'lucia@example.com', telefono: '+34612345678', 'consent.marketingEmail': 'on', _page: `${SITE}/contacto`, website: '' }, formId, { 'x-forwarded-for': '203.0.113.9' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/gracias');
    await drain();
    const c = await contact('lucia@example.com');
    expect(c).toMatchObject({ first_name: 'Lucía', last_name: 'García López', phone: '+34612345678', source: 'web', source_detail: `form:${formId}`, consent_marketing_email: true });
    const history = (await ws.req('GET', `/v1/contacts/${c!.id}/consents`)).body;
    const list = (Array.isArray(history) ? history : history.data) as { consent: string; source: string; proof: Record<string, unknown> | null }[];
    const proof = list.find((h) => h.source === 'web_form' && h.consent === 'marketingEmail')!.proof!;
    expect(proof).toMatchObject({ textShown: 'Quiero recibir novedades por email', page: `${SITE}/contacto`, provider: 'web_form' });
    expect(typeof proof.ip).toBe('string');
    expect(Number.isNaN(Date.parse(String(proof.submittedAt)))).toBe(false);
  });

  it('a filled honeypot answers success and stores nothing', async () => {
    const before = await count('integration_events');
    const res = await html({ email: 'bot@example.com', website: 'http://spam.example' });
    expect(res.statusCode).toBe(303);
    expect(await count('integration_events')).toBe(before);
    await drain();
    expect(await contact('bot@example.com')).toBeUndefined();
  });

  it('JSON from an allowed origin gets CORS; a refused origin gets none and stores nothing; preflight follows the same list', async () => {
    const ok = await json({ email: 'json@example.com', name: 'Ana' }, { origin: SITE });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(SITE);
    const before = await count('integration_events');
    const refused = await json({ email: 'evil@example.com' }, { origin: 'https://evil.example' });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(await count('integration_events')).toBe(before);
    const pre = await t.app.inject({ method: 'OPTIONS', url: `/v1/forms/${formId}`, headers: { origin: 'https://landing.example', 'access-control-request-method': 'POST' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://landing.example');
    const preBad = await t.app.inject({ method: 'OPTIONS', url: `/v1/forms/${formId}`, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preBad.statusCode).toBe(403);
    expect(preBad.headers['access-control-allow-origin']).toBeUndefined();
    await drain();
    expect(await contact('json@example.com')).toMatchObject({ first_name: 'Ana', source: 'web' });
  });

  it('the same submission id 3× → one contact, one event', async () => {
    for (let i = 0; i < 3; i++) expect((await json({ email: 'dup@example.com', _submission_id: 'sub-000000001' })).statusCode).toBe(200);
    await drain();
    const evs = (await ws.req('GET', `/v1/integrations/${formId}/events`)).body.data as { eventKey: string }[];
    expect(evs.filter((e) => e.eventKey === 'sub-000000001')).toHaveLength(1);
  });

  it('a submission without email or phone is stored failed with the reason; an unknown form is a 404; a bad body a 422', async () => {
    expect((await json({ name: 'Sin datos', _submission_id: 'sub-noidentity' })).statusCode).toBe(200);
    const evs = (await ws.req('GET', `/v1/integrations/${formId}/events`)).body.data as { eventKey: string; status: string; reason: string }[];
    expect(evs.find((e) => e.eventKey === 'sub-noidentity')).toMatchObject({ status: 'failed', reason: 'the form has no email or phone field filled' });
    expect((await json({ email: 'a@example.com' }, {}, '0190a000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await json([1, 2])).statusCode).toBe(422);
  });

  it('with a timestamp key, a missing or forged _ts is refused (403) and a signed one accepted', async () => {
    const now = Math.floor(t.deps.clock.now().getTime() / 1000);
    expect((await json({ email: 'ts@example.com' }, {}, signedFormId)).statusCode).toBe(403);
    expect((await json({ email: 'ts@example.com', _ts: timestampToken('wrong', now - 10) }, {}, signedFormId)).statusCode).toBe(403);
    expect((await json({ email: 'ts@example.com', _ts: timestampToken('ts-key', now - 10) }, {}, signedFormId)).statusCode).toBe(200);
  });

  it('refuses an open redirect or a non-https origin in the settings', async () => {
    for (const thankYouUrl of ['//evil.example/x', 'http://evil.example', 'javascript:alert(1)', '/\\evil.example']) {
      const bad = await ws.req('POST', '/v1/integrations', { provider: 'web_form', name: 'x', settings: { thankYouUrl } });
      expect(bad.status).toBe(422);
    }
    expect((await ws.req('POST', '/v1/integrations', { provider: 'web_form', name: 'x', settings: { origins: 'http://a.example' } })).status).toBe(422);
  });
});
