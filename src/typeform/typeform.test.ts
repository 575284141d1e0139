import { sql } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeformSender, type TypeformSender } from '../../test/fakes/typeform-sender.ts';
import { statuses } from '../../test/fakes/webhook-sender.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { typeformSignature, verifyTypeformSignature } from '../integrations/signatures.ts';
import { queryRows } from '../lib/db.ts';

/**
 * Typeform `form_response` webhooks end to end: a fake Typeform sender signs and delivers over real
 * HTTP to the app listening on 127.0.0.1 (retrying as Typeform does), then the jobs and database.
 */
let t: TestApp;
let ws: TestWorkspace;
let integrationId: string;
let base: string;
let typeform: TypeformSender;
const SECRET = 'tf_secret';
const ran = new Set<string>();

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  const res = await ws.req('POST', '/v1/integrations', { provider: 'typeform', name: 'Visitas', settings: { 'map.budget': 'company', 'map.ok_whatsapp': 'consent:marketingWhatsapp' }, secrets: { secret: SECRET } });
  expect(res.status).toBe(201);
  integrationId = res.body.id;
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  typeform = typeformSender({ url: hookUrl(integrationId), secret: SECRET });
});
afterAll(async () => {
  await t.close();
});

const hookUrl = (id: string, provider = 'typeform') => `${base}/v1/hooks/${provider}/${id}`;
/** The answers Typeform got for one delivery, its retries included. */
const delivered = async (body: string, opts: Parameters<TypeformSender['deliver']>[1] = {}) => statuses(await typeform.deliver(body, opts));

const drain = () => drainWorkspaceJobs(t, ws.id, ran);
const count = async (table: string) => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id}`))[0]!.n);
const events = async () => (await ws.req('GET', `/v1/integrations/${integrationId}/events`)).body.data as Record<string, unknown>[];

let seq = 0;
function response(email: string, extra: Record<string, unknown>[] = []) {
  seq++;
  return JSON.stringify({
    event_id: `01JTEST${seq}`,
    event_type: 'form_response',
    form_response: {
      form_id: 'lT4Z3j',
      token: `tok${seq}`,
      submitted_at: '2026-01-01T10:00:03Z',
      hidden: { utm_source: 'newsletter' },
      definition: {
        id: 'lT4Z3j',
        fields: [
          { id: 'Fa1', ref: 'full_name', type: 'short_text', title: 'Tu nombre' },
          { id: 'Fa5', ref: 'gdpr', type: 'legal', title: 'Acepto recibir novedades por email' },
        ],
      },
      // Not in the definition's order; the phone is left out (optional, unanswered).
      answers: [
        { type: 'boolean', boolean: true, field: { id: 'Fa5', type: 'legal', ref: 'gdpr' } },
        { type: 'email', email, field: { id: 'Fa2', type: 'email', ref: 'email' } },
        { type: 'text', text: 'Dana García López', field: { id: 'Fa1', type: 'short_text', ref: 'full_name' } },
        { type: 'choice', choice: { id: 'c2', ref: 'gt500', label: '500k+' }, field: { id: 'Fa4', type: 'multiple_choice', ref: 'budget' } },
        ...extra,
      ],
    },
  });
}

describe('Typeform signature', () => {
  it('reproduces the known-answer vector and refuses a changed body', () => {
    const body = '{"event_id":"01HTEST","event_type":"form_response","form_response":{"form_id":"abc123","token":"tok1","submitted_at":"2025-01-01T00:00:00Z","answers":[]}}';
    expect(typeformSignature('tf_secret', body)).toBe('sha256=IauhV/0B2rBRCrNWsl0tRBud7p/+9Lv7hgTyaAgvQ30=');
    expect(verifyTypeformSignature(['tf_secret'], Buffer.from(body), 'sha256=IauhV/0B2rBRCrNWsl0tRBud7p/+9Lv7hgTyaAgvQ30=')).toBe(true);
    expect(verifyTypeformSignature(['tf_secret'], Buffer.from(`${body} `), 'sha256=IauhV/0B2rBRCrNWsl0tRBud7p/+9Lv7hgTyaAgvQ30=')).toBe(false);
    expect(verifyTypeformSignature(['other'], Buffer.from(body), 'sha256=IauhV/0B2rBRCrNWsl0tRBud7p/+9Lv7hgTyaAgvQ30=')).toBe(false);
  });
});

describe('Typeform form_response', () => {
  it('creates the contact from mapped and default fields, with source typeform, and records the consent with proof; 3 deliveries → one effect', async () => {
    const body = response('dana@example.com', [{ type: 'boolean', boolean: true, field: { id: 'Fa6', type: 'yes_no', ref: 'ok_whatsapp' } }]);
    for (let i = 0; i < 3; i++) expect(await delivered(body)).toEqual([200]);
    await drain();
    const [c] = await queryRows<Record<string, unknown>>(t.database.systemDb, sql`SELECT id, first_name, last_name, company, source, source_detail FROM contacts WHERE workspace_id = ${ws.id} AND email = 'dana@example.com'`);
    expect(c).toMatchObject({ first_name: 'Dana', last_name: 'García López', company: '500k+', source: 'typeform', source_detail: 'form:lT4Z3j' });
    const history = (await ws.req('GET', `/v1/contacts/${c!.id}/consents`)).body;
    const list = (Array.isArray(history) ? history : history.data) as { consent: string; value: boolean; source: string; proof: Record<string, unknown> | null }[];
    const fromForm = list.filter((h) => h.source === 'typeform' && h.proof?.responseToken);
    expect(fromForm.map((h) => h.consent).sort()).toEqual(['marketingEmail', 'marketingWhatsapp']);
    expect(fromForm[0]!.proof).toMatchObject({ formId: 'lT4Z3j', responseToken: `tok${seq}`, submittedAt: '2026-01-01T10:00:03Z' });
    expect(fromForm.every((h) => h.value === true)).toBe(true);
    const evs = (await events()).filter((e) => e.eventKey === `01JTEST${seq}`);
    expect(evs).toHaveLength(1);
    expect(evs[0]!.status).toBe('processed');
  });

  it('finds an existing contact by email, in any capitals, instead of creating another', async () => {
    const made = await ws.req('POST', '/v1/contacts', { email: 'known@example.com', firstName: 'Known' });
    expect(await delivered(response('Known@Example.COM'))).toEqual([200]);
    await drain();
    const rows = await queryRows<{ id: string; source: string }>(t.database.systemDb, sql`SELECT id, source FROM contacts WHERE workspace_id = ${ws.id} AND lower(email) = 'known@example.com'`);
    expect(rows).toEqual([{ id: made.body.id, source: 'api' }]);
  });

  it('refuses a bad or missing signature with 401 on every retry, and stores nothing', async () => {
    const before = await count('integration_events');
    const body = response('nobody@example.com');
    expect(await delivered(body, { secret: 'wrong' })).toEqual([401, 401, 401, 401, 401, 401]);
    expect(await delivered(body, { secret: null })).toEqual([401, 401, 401, 401, 401, 401]);
    expect(typeform.disabled).toBe(false);
    expect(await count('integration_events')).toBe(before);
  });

  it('a delivery refused while the secret was changed on Typeform only is retried, and lands once Vixiees has the new secret', async () => {
    const made = await ws.req('POST', '/v1/integrations', { provider: 'typeform', name: 'Rotación', secrets: { secret: 'tf_old' } });
    const rotated = typeformSender({ url: hookUrl(made.body.id), secret: 'tf_new' });
    const outcome = await rotated.deliver(response('rotated@example.com'), {
      beforeRetry: async (_failed, retry) => {
        if (retry === 2) expect((await ws.req('PATCH', `/v1/integrations/${made.body.id}`, { secrets: { secret: 'tf_new' } })).status).toBe(200);
      },
    });
    expect(statuses(outcome)).toEqual([401, 401, 200]);
    await drain();
    expect(await queryRows(t.database.systemDb, sql`SELECT source FROM contacts WHERE workspace_id = ${ws.id} AND email = 'rotated@example.com'`)).toEqual([{ source: 'typeform' }]);
  });

  it('refuses a body over 3 MB with 413 before storing anything', async () => {
    const before = await count('integration_events');
    const huge = response('huge@example.com', [{ type: 'text', text: 'x'.repeat(3 * 1024 * 1024), field: { id: 'Fa9', type: 'long_text', ref: 'notes' } }]);
    const outcome = await typeformSender({ url: hookUrl(integrationId), secret: SECRET, policy: { retryDelaysMs: [5] } }).deliver(huge);
    expect(outcome.delivered).toBe(false);
    expect(statuses(outcome)).toEqual([413, 413]);
    expect(await count('integration_events')).toBe(before);
  });

  it('stores a malformed body or a response without identity as failed with the reason, never a 500', async () => {
    const notJson = '{"event_id": ';
    expect(await delivered(notJson)).toEqual([200]);
    const noIdentity = JSON.stringify({ event_id: '01NOID', event_type: 'form_response', form_response: { form_id: 'f', token: 't', answers: [] } });
    expect(await delivered(noIdentity)).toEqual([200]);
    await drain();
    const evs = await events();
    expect(evs.find((e) => e.kind === 'malformed')).toMatchObject({ status: 'failed', reason: 'the body is not JSON' });
    expect(evs.find((e) => e.eventKey === '01NOID')).toMatchObject({ status: 'failed' });
    expect(String(evs.find((e) => e.eventKey === '01NOID')!.reason)).toContain('no email or phone');
  });

  it('answers 404 for an unknown integration or a provider mismatch, which Typeform takes as "disable the webhook", without retrying', async () => {
    const body = response('x@example.com');
    const unknown = typeformSender({ url: hookUrl('0190a000-0000-7000-8000-000000000000'), secret: SECRET });
    expect(statuses(await unknown.deliver(body))).toEqual([404]);
    expect(unknown.disabled).toBe(true);
    const wrongProvider = typeformSender({ url: hookUrl(integrationId, 'calendly'), secret: SECRET });
    expect(statuses(await wrongProvider.deliver(body))).toEqual([404]);
    expect(wrongProvider.disabled).toBe(true);
    expect(statuses(await wrongProvider.deliver(body))).toEqual([]);
  });

  it('refuses a mapping to an unknown target with the field at fault', async () => {
    const bad = await ws.req('POST', '/v1/integrations', { provider: 'typeform', name: 'x', settings: { 'map.a': 'salary' }, secrets: { secret: 's' } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.errors)).toContain('settings');
  });
});
