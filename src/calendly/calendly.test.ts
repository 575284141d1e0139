import { sql } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendlySender, type CalendlySender } from '../../test/fakes/calendly-sender.ts';
import { postOnce, statuses } from '../../test/fakes/webhook-sender.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { calendlySignature, verifyCalendlySignature } from '../integrations/signatures.ts';
import { queryRows } from '../lib/db.ts';

/**
 * Calendly invitee webhooks end to end: a fake Calendly sender signs (t=…,v1=…) and delivers over
 * real HTTP to the app listening on 127.0.0.1 (retrying as Calendly does), then the jobs and database.
 */
let t: TestApp;
let ws: TestWorkspace;
let integrationId: string;
let base: string;
let calendly: CalendlySender;
const KEY = 'cal_key';
const ran = new Set<string>();

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  const res = await ws.req('POST', '/v1/integrations', { provider: 'calendly', name: 'Agenda', secrets: { signingKey: KEY } });
  expect(res.status).toBe(201);
  integrationId = res.body.id;
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  calendly = senderTo(integrationId);
});
afterAll(async () => {
  await t.close();
});

const nowS = () => Math.floor(t.deps.clock.now().getTime() / 1000);
const hookUrl = (id: string) => `${base}/v1/hooks/calendly/${id}`;
/** A fake Calendly subscription to one integration, signing with its key at the app's clock. */
const senderTo = (id: string, signingKey: string | null = KEY) => calendlySender({ url: hookUrl(id), signingKey, now: () => t.deps.clock.now() });
/** The answers Calendly got for one delivery, its retries included. */
const delivered = async (body: string, opts: Parameters<CalendlySender['deliver']>[1] = {}) => statuses(await calendly.deliver(body, opts));
const REFUSED_EVERY_RETRY = [401, 401, 401, 401, 401, 401];

const drain = () => drainWorkspaceJobs(t, ws.id, ran);
const count = async (table: string) => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id}`))[0]!.n);
const events = async () => (await ws.req('GET', `/v1/integrations/${integrationId}/events`)).body.data as Record<string, unknown>[];
const meetingsOf = async (email: string) =>
  queryRows<Record<string, unknown>>(t.database.systemDb, sql`SELECT m.title, m.starts_at, m.ends_at, m.link, m.source FROM meetings m JOIN contacts c ON c.workspace_id = m.workspace_id AND c.id = m.contact_id WHERE c.workspace_id = ${ws.id} AND c.email = ${email}`);

function invitee(event: 'invitee.created' | 'invitee.canceled', inv: string, email: string) {
  return JSON.stringify({
    event,
    created_at: '2026-01-05T14:03:11.000000Z',
    created_by: 'https://api.calendly.com/users/USR456',
    payload: {
      uri: `https://api.calendly.com/scheduled_events/EVT789/invitees/${inv}`,
      email,
      name: 'Dana Li',
      first_name: null,
      last_name: null,
      status: event === 'invitee.created' ? 'active' : 'canceled',
      text_reminder_number: '+16505551234',
      scheduled_event: {
        uri: 'https://api.calendly.com/scheduled_events/EVT789',
        name: '30 Minute Consultation',
        start_time: '2026-01-09T17:00:00.000000Z',
        end_time: '2026-01-09T17:30:00.000000Z',
        event_type: 'https://api.calendly.com/event_types/ET111',
        location: { type: 'google_conference', status: 'pushed', join_url: 'https://meet.google.com/abc-defg-hij' },
      },
      cancellation: event === 'invitee.canceled' ? { canceled_by: 'Dana Li', reason: 'conflict', canceler_type: 'invitee' } : null,
    },
  });
}

describe('Calendly signature', () => {
  it('reproduces the known-answer vector, and refuses it outside the 5-minute window', () => {
    const body = '{"event":"invitee.created","created_at":"2025-01-01T00:00:00.000000Z","payload":{"email":"a@example.com"}}';
    const header = 't=1735689600,v1=ff629b351b85ed9c5d54c1bf8195f03b7b5aa9cec9eb0957ceb5044f759a5d1c';
    expect(calendlySignature('cal_key', 1735689600, body)).toBe(header);
    expect(verifyCalendlySignature(['cal_key'], Buffer.from(body), header, 1735689600 + 299)).toBe(true);
    expect(verifyCalendlySignature(['cal_key'], Buffer.from(body), header, 1735689600 + 301)).toBe(false);
    expect(verifyCalendlySignature(['other'], Buffer.from(body), header, 1735689600)).toBe(false);
    expect(verifyCalendlySignature(['cal_key'], Buffer.from(`${body} `), header, 1735689600)).toBe(false);
  });
});

describe('Calendly invitees', () => {
  it('a booking creates the contact (source calendly) and one meeting, however often delivered; its cancellation removes it', async () => {
    const created = invitee('invitee.created', 'INV001', 'dana@example.com');
    for (let i = 0; i < 3; i++) expect(await delivered(created)).toEqual([200]);
    await drain();
    const [c] = await queryRows<Record<string, unknown>>(t.database.systemDb, sql`SELECT first_name, last_name, phone, source, source_detail FROM contacts WHERE workspace_id = ${ws.id} AND email = 'dana@example.com'`);
    expect(c).toMatchObject({ first_name: 'Dana', last_name: 'Li', phone: '+16505551234', source: 'calendly', source_detail: 'event_type:ET111' });
    const meetings = await meetingsOf('dana@example.com');
    expect(meetings).toHaveLength(1);
    expect(meetings[0]).toMatchObject({ title: '30 Minute Consultation', link: 'https://meet.google.com/abc-defg-hij', source: 'calendly' });
    expect(new Date(meetings[0]!.starts_at as string).toISOString()).toBe('2026-01-09T17:00:00.000Z');

    const canceled = invitee('invitee.canceled', 'INV001', 'dana@example.com');
    for (let i = 0; i < 3; i++) expect(await delivered(canceled)).toEqual([200]);
    await drain();
    const after = await meetingsOf('dana@example.com');
    expect(after).toHaveLength(0);
    const evs = await events();
    expect(evs.filter((e) => String(e.eventKey).endsWith('INV001#invitee.canceled'))).toMatchObject([{ status: 'processed' }]);
  });

  it('a replayed booking creates no second meeting', async () => {
    expect(await delivered(invitee('invitee.created', 'INV002', 'replay@example.com'))).toEqual([200]);
    await drain();
    const ev = (await events()).find((e) => String(e.eventKey).endsWith('INV002#invitee.created'))!;
    expect((await ws.req('POST', `/v1/integrations/${integrationId}/events/${ev.id}/replay`)).status).toBe(202);
    await drain();
    expect(await meetingsOf('replay@example.com')).toHaveLength(1);
  });

  it('refuses a stale timestamp and a bad signature with 401 on every retry, storing nothing; the failing subscription is disabled', async () => {
    const before = await count('integration_events');
    const body = invitee('invitee.created', 'INV003', 'stale@example.com');
    for (const opts of [{ signedAt: nowS() - 301 }, { signedAt: nowS() + 400 }, { key: 'wrong' }, { key: null }]) {
      const subscription = senderTo(integrationId);
      const outcome = await subscription.deliver(body, opts);
      expect(statuses(outcome)).toEqual(REFUSED_EVERY_RETRY);
      expect(subscription.disabled).toBe(true);
    }
    const garbled = await postOnce(hookUrl(integrationId), { body, headers: { 'content-type': 'application/json', 'calendly-webhook-signature': 't=abc,v1=zz' } });
    expect(garbled.status).toBe(401);
    expect(await count('integration_events')).toBe(before);
  });

  it('a delivery refused while the signing key was changed on Calendly only is retried, and lands once Vixiees has the new key', async () => {
    const made = await ws.req('POST', '/v1/integrations', { provider: 'calendly', name: 'Rotación', secrets: { signingKey: 'cal_old' } });
    const outcome = await senderTo(made.body.id, 'cal_new').deliver(invitee('invitee.created', 'INV005', 'rotated@example.com'), {
      beforeRetry: async (_failed, retry) => {
        if (retry === 2) expect((await ws.req('PATCH', `/v1/integrations/${made.body.id}`, { secrets: { signingKey: 'cal_new' } })).status).toBe(200);
      },
    });
    expect(statuses(outcome)).toEqual([401, 401, 200]);
    await drain();
    expect(await meetingsOf('rotated@example.com')).toHaveLength(1);
  });

  it('a cancellation delivered before its booking leaves no meeting', async () => {
    expect(await delivered(invitee('invitee.canceled', 'INV006', 'late@example.com'))).toEqual([200]);
    await drain();
    expect(await delivered(invitee('invitee.created', 'INV006', 'late@example.com'))).toEqual([200]);
    await drain();
    expect(await meetingsOf('late@example.com')).toHaveLength(0);
    const evs = (await events()).filter((e) => String(e.eventKey).includes('/INV006#'));
    expect(evs.map((e) => e.status)).toEqual(['processed', 'processed']);
  });

  it('stores a malformed body as failed with the reason; an unknown integration is a 404', async () => {
    expect(await delivered('[1,2')).toEqual([200]);
    const noTimes = JSON.stringify({ event: 'invitee.created', payload: { uri: 'https://api.calendly.com/scheduled_events/E/invitees/BAD', email: 'bad@example.com' } });
    expect(await delivered(noTimes)).toEqual([200]);
    await drain();
    const evs = await events();
    expect(evs.find((e) => e.kind === 'malformed')).toMatchObject({ status: 'failed', reason: 'the body is not JSON' });
    expect(evs.find((e) => String(e.eventKey).includes('/BAD#'))).toMatchObject({ status: 'failed' });
    const unknown = senderTo('0190a000-0000-7000-8000-000000000000');
    expect(statuses(await unknown.deliver(invitee('invitee.created', 'INV004', 'x@example.com')))).toEqual([404, 404, 404, 404, 404, 404]);
    expect(unknown.disabled).toBe(true);
  });
});
