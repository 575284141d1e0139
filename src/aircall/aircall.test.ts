import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { queryRows } from '../lib/db.ts';

/** Aircall call webhooks end to end: JSON deliveries with the webhook token through the real hook, the job, the calls service and attention. */
let t: TestApp;
let ws: TestWorkspace;
let integrationId: string;
const TOKEN = '45XXYYZZa08';
const ran = new Set<string>();

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace({ defaultCountry: 'ES' });
  const res = await ws.req('POST', '/v1/integrations', { provider: 'aircall', name: 'Aircall ventas', secrets: { token: TOKEN } });
  expect(res.status).toBe(201);
  integrationId = res.body.id;
});
afterAll(async () => {
  await t.close();
});

const deliver = (body: unknown, id = integrationId) =>
  t.app.inject({ method: 'POST', url: `/v1/hooks/aircall/${id}`, headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

/** Runs this workspace's pending event jobs (on PostgreSQL the test files share the outbox: another file's events are not ours to run). */
const drain = () => drainWorkspaceJobs(t, ws.id, ran);
const eventCount = async () => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM integration_events WHERE workspace_id = ${ws.id}`))[0]!.n);
const events = async () => (await ws.req('GET', `/v1/integrations/${integrationId}/events?limit=200`)).body.data as { eventKey: string; kind: string; status: string; reason: string | null; payload: Record<string, unknown> }[];
async function contactByPhone(phone: string) {
  const [row] = await queryRows<{ id: string; source: string; source_detail: string | null }>(t.database.systemDb, sql`SELECT id, source, source_detail FROM contacts WHERE workspace_id = ${ws.id} AND phone = ${phone} AND deleted_at IS NULL`);
  if (!row) return undefined;
  const contact = (await ws.req('GET', `/v1/contacts/${row.id}`)).body;
  const calls = (await ws.req('GET', `/v1/contacts/${row.id}/calls`)).body.data as { direction: string; outcome: string; durationSeconds: number | null; recordingUrl: string | null; startedAt: string }[];
  return { ...row, pending: contact.pendingAttention, calls };
}

let callId = 812345000;
/** A delivery as Aircall sends it (integrations.md §8.2), for one call. */
function event(id: number, name: string, data: Record<string, unknown>, token = TOKEN) {
  return {
    resource: 'call',
    event: name,
    timestamp: 1767225720,
    token,
    data: {
      id,
      direct_link: `https://api.aircall.io/v1/calls/${id}`,
      direction: 'inbound',
      status: 'done',
      missed_call_reason: null,
      started_at: 1767225600,
      answered_at: null,
      ended_at: 1767225690,
      duration: 90,
      raw_digits: '+34 612 34 56 78',
      voicemail: null,
      recording: null,
      user: null,
      number: { id: 1001, name: 'Ventas', digits: '+34 910 00 00 00', country: 'ES', time_zone: 'Europe/Madrid' },
      tags: [], comments: [], participants: [], teams: [],
      ...data,
    },
  };
}

describe('Aircall call webhooks', () => {
  it('a missed inbound call (call.ended, no answered_at) creates the contact with source call and makes it pending; redeliveries are no-ops', async () => {
    const id = ++callId;
    const ended = event(id, 'call.ended', { missed_call_reason: 'agents_did_not_answer' });
    for (let i = 0; i < 3; i++) expect((await deliver(ended)).statusCode).toBe(200);
    await drain();
    const c = (await contactByPhone('+34612345678'))!;
    expect(c).toMatchObject({ source: 'call', source_detail: 'aircall:+34 910 00 00 00' });
    expect(c.calls).toMatchObject([{ direction: 'inbound', outcome: 'missed', startedAt: '2026-01-01T00:00:00.000Z' }]);
    expect(c.pending).toMatchObject({ pending: true, reasons: [{ reason: 'call' }] });
    const evs = (await events()).filter((e) => e.eventKey === `${id}#call.ended`);
    expect(evs).toHaveLength(1);
    expect(evs[0]!.status).toBe('processed');
    // The token is a secret: it is not kept in the event log.
    expect(JSON.stringify(evs[0]!.payload)).not.toContain(TOKEN);
  });

  it('a national number is read in the line’s country; a voicemail left makes the outcome voicemail, with the link', async () => {
    const id = ++callId;
    await deliver(event(id, 'call.ended', { raw_digits: '(213) 373-4253', number: { id: 2, digits: '+1 213-373-4000', country: 'US' }, missed_call_reason: 'out_of_opening_hours', voicemail: 'https://cdn.aircall.io/voicemail/812.mp3' }));
    await drain();
    expect((await contactByPhone('+12133734253'))!.calls).toMatchObject([{ outcome: 'voicemail', recordingUrl: 'https://cdn.aircall.io/voicemail/812.mp3' }]);
  });

  it('out of order: call.ended (answered, with recording) before call.created and call.answered → one answered call, attention cleared', async () => {
    const made = await ws.req('POST', '/v1/contacts', { firstName: 'Dana', phone: '+34699111222' });
    await ws.req('POST', `/v1/contacts/${made.body.id}/calls`, { direction: 'inbound', outcome: 'missed', startedAt: '2025-12-31T10:00:00Z' });
    expect((await contactByPhone('+34699111222'))!.pending.pending).toBe(true);
    const id = ++callId;
    const digits = { raw_digits: '+34 699 11 12 22' };
    await deliver(event(id, 'call.ended', { ...digits, answered_at: 1767225610, recording: 'https://cdn.aircall.io/recording/1.mp3' }));
    await deliver(event(id, 'call.answered', { ...digits, status: 'answered', answered_at: 1767225610, ended_at: null }));
    await deliver(event(id, 'call.created', { ...digits, status: 'initial', ended_at: null }));
    await drain();
    const c = (await contactByPhone('+34699111222'))!;
    expect(c.id).toBe(made.body.id);
    const fromAircall = c.calls.filter((x) => x.recordingUrl);
    expect(fromAircall).toMatchObject([{ direction: 'inbound', outcome: 'answered', durationSeconds: 80, recordingUrl: 'https://cdn.aircall.io/recording/1.mp3' }]);
    expect(c.calls).toHaveLength(2);
    expect(c.pending.pending).toBe(false);
  });

  it('ringing alone records nothing; an unanswered outbound call is no_answer and clears attention', async () => {
    const ringing = ++callId;
    await deliver(event(ringing, 'call.created', { raw_digits: '+34 600 000 001', status: 'initial', ended_at: null }));
    await drain();
    expect(await contactByPhone('+34600000001')).toBeUndefined();
    const out = ++callId;
    await deliver(event(out, 'call.ended', { direction: 'outbound', raw_digits: '+33 6 12 34 56 78' }));
    await drain();
    const c = (await contactByPhone('+33612345678'))!;
    expect(c.calls).toMatchObject([{ direction: 'outbound', outcome: 'no_answer' }]);
    expect(c.pending.pending).toBe(false);
  });

  it('refuses a wrong, missing or unreadable token with 401 and stores nothing', async () => {
    const before = await eventCount();
    expect((await deliver(event(++callId, 'call.ended', {}, 'wrong'))).statusCode).toBe(401);
    const { token: _t, ...noToken } = event(++callId, 'call.ended', {});
    expect((await deliver(noToken)).statusCode).toBe(401);
    const res = await deliver('{"token": ');
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await eventCount()).toBe(before);
  });

  it('stores a malformed delivery as failed with the reason; a hidden caller fails its event, never a 500', async () => {
    expect((await deliver({ resource: 'call', event: 'call.ended', token: TOKEN, data: { direction: 'inbound' } })).statusCode).toBe(200);
    expect((await deliver({ resource: 'call', token: TOKEN, data: { id: 1 } })).statusCode).toBe(200);
    const hidden = ++callId;
    expect((await deliver(event(hidden, 'call.ended', { raw_digits: 'anonymous' }))).statusCode).toBe(200);
    expect((await deliver({ resource: 'user', event: 'user.opened', timestamp: 1, token: TOKEN, data: { id: 9 } })).statusCode).toBe(200);
    await drain();
    const evs = await events();
    expect(evs.find((e) => e.reason === 'call.ended without data.id')).toMatchObject({ status: 'failed', kind: 'malformed' });
    expect(evs.find((e) => e.reason === 'event is missing')).toMatchObject({ status: 'failed' });
    expect(evs.find((e) => e.eventKey === `${hidden}#call.ended`)).toMatchObject({ status: 'failed' });
    expect(evs.find((e) => e.eventKey === `${hidden}#call.ended`)!.reason).toContain('hidden or not a phone number');
    expect(evs.find((e) => e.kind === 'ignored')).toMatchObject({ status: 'processed' });
  });

  it('answers 404 for an unknown integration', async () => {
    expect((await deliver(event(++callId, 'call.ended', {}), '0190a000-0000-7000-8000-000000000000')).statusCode).toBe(404);
  });
});
