import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { queryRows } from '../lib/db.ts';
import { formParams, twilioSignature, verifyTwilioSignature } from './twilio-signature.ts';

/** Twilio voice callbacks end to end: signed form posts through the real hook, the job, the calls service and attention. */
let t: TestApp;
let ws: TestWorkspace;
let integrationId: string;
const TOKEN = 'twilio_test_auth_token';
const ACCOUNT = `AC${'ab'.repeat(16)}`;
const HOST = 'crm.example.com';
const ran = new Set<string>();

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  const res = await ws.req('POST', '/v1/integrations', { provider: 'twilio', name: 'Centralita', settings: { accountSid: ACCOUNT }, secrets: { authToken: TOKEN } });
  expect(res.status).toBe(201);
  expect(res.body.webhookUrl).toBe(`/v1/hooks/twilio/${res.body.id}`);
  integrationId = res.body.id;
});
afterAll(async () => {
  await t.close();
});

const path = (id = integrationId, query = '') => `/v1/hooks/twilio/${id}${query}`;
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
/** Posts as Twilio does: form-encoded, signed over the public URL it was configured with. */
function deliver(params: Record<string, string>, opts: { token?: string; id?: string; signedUrl?: string } = {}) {
  const p = path(opts.id);
  const signature = twilioSignature(opts.token ?? TOKEN, opts.signedUrl ?? `https://${HOST}${p}`, params);
  return t.app.inject({ method: 'POST', url: p, headers: { host: HOST, 'x-forwarded-proto': 'https', 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, payload: form(params) });
}

/** Runs this workspace's pending event jobs (on PostgreSQL the test files share the outbox: another file's events are not ours to run). */
const drain = (opts: { concurrently?: boolean } = {}) => drainWorkspaceJobs(t, ws.id, ran, opts);
const eventCount = async () => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM integration_events WHERE workspace_id = ${ws.id}`))[0]!.n);
const events = async () => (await ws.req('GET', `/v1/integrations/${integrationId}/events?limit=200`)).body.data as { eventKey: string; kind: string; status: string; reason: string | null }[];
async function contactByPhone(phone: string) {
  const [row] = await queryRows<{ id: string; source: string; source_detail: string | null }>(t.database.systemDb, sql`SELECT id, source, source_detail FROM contacts WHERE workspace_id = ${ws.id} AND phone = ${phone} AND deleted_at IS NULL`);
  if (!row) return undefined;
  const contact = (await ws.req('GET', `/v1/contacts/${row.id}`)).body;
  const calls = (await ws.req('GET', `/v1/contacts/${row.id}/calls`)).body.data as { id: string; direction: string; outcome: string; durationSeconds: number | null; recordingUrl: string | null; startedAt: string }[];
  return { ...row, pending: contact.pendingAttention, calls };
}

let n = 0;
const sid = () => `CA${(++n).toString(16).padStart(32, '0')}`;
const base = (callSid: string, extra: Record<string, string>) => ({ AccountSid: ACCOUNT, ApiVersion: '2010-04-01', CallSid: callSid, ...extra });
const inbound = (callSid: string, from: string, extra: Record<string, string>) => base(callSid, { Direction: 'inbound', From: from, Caller: from, To: '+34910000000', Called: '+34910000000', ...extra });

describe('Twilio signature', () => {
  it('reproduces the known-answer vectors of integrations.md §0.3', () => {
    const kat = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', kat)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    const status = { AccountSid: 'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', CallSid: 'CA0123456789abcdef0123456789abcdef', CallStatus: 'no-answer', Direction: 'inbound', From: '+16505551234', To: '+12133734253' };
    expect(twilioSignature('test_auth_token', 'https://crm.example.com/twilio/status', status)).toBe('zg/nD6fNdRzal8juvgsQJOQJdzk=');
    const body = Buffer.from(form(status));
    expect(verifyTwilioSignature(['test_auth_token'], ['https://crm.example.com/twilio/status'], body, 'zg/nD6fNdRzal8juvgsQJOQJdzk=')).toBe(true);
    expect(verifyTwilioSignature(['test_auth_token'], ['https://crm.example.com/twilio/status'], Buffer.from(form({ ...status, CallStatus: 'completed' })), 'zg/nD6fNdRzal8juvgsQJOQJdzk=')).toBe(false);
    expect(verifyTwilioSignature(['other'], ['https://crm.example.com/twilio/status'], body, 'zg/nD6fNdRzal8juvgsQJOQJdzk=')).toBe(false);
    expect(verifyTwilioSignature(['test_auth_token'], ['https://crm.example.com/twilio/status'], body, 'zg/nD6fNdRzal8juvgsQJOQJdzk')).toBe(false);
  });

  it('reproduces the JSON-body vector: the URL carries bodySHA256 and is signed alone', () => {
    const json = '{"CallSid":"CA123","CallStatus":"completed"}';
    const hash = createHash('sha256').update(json).digest('hex');
    expect(hash).toBe('7a20302f42f8530490a183fcc76d75695a05ec51e35bbda33ca11a2ee9edb589');
    const url = `https://crm.example.com/twilio/status?bodySHA256=${hash}`;
    expect(twilioSignature('12345', url, null)).toBe('rMQmcNvSrSVhnj1mz4r3aEFLqz8=');
    expect(verifyTwilioSignature(['12345'], [url], Buffer.from(json), 'rMQmcNvSrSVhnj1mz4r3aEFLqz8=')).toBe(true);
    expect(verifyTwilioSignature(['12345'], [url], Buffer.from(json.replace('completed', 'no-answer')), 'rMQmcNvSrSVhnj1mz4r3aEFLqz8=')).toBe(false);
  });

  it('signs a repeated parameter with its values deduplicated and sorted, as twilio-node does', () => {
    const p = formParams('b=2&a=1&b=1&b=2');
    expect(p).toEqual({ b: ['2', '1', '2'], a: '1' });
    expect(twilioSignature('k', 'https://x.test/', p)).toBe(twilioSignature('k', 'https://x.test/', { a: '1', b: ['1', '2'] }));
  });
});

describe('Twilio voice callbacks', () => {
  it('a missed inbound call (Dial no-answer) creates the contact with source call and makes it pending; a voicemail recording is linked', async () => {
    const call = sid();
    expect((await deliver(inbound(call, '+16505551234', { CallStatus: 'ringing', Timestamp: 'Tue, 07 Oct 2025 08:00:00 +0000' }))).statusCode).toBe(200);
    await drain();
    expect(await contactByPhone('+16505551234')).toBeUndefined();
    expect((await deliver(inbound(call, '+16505551234', { CallStatus: 'in-progress', DialCallStatus: 'no-answer', DialCallSid: sid(), DialCallDuration: '0' }))).statusCode).toBe(200);
    await drain();
    let c = (await contactByPhone('+16505551234'))!;
    expect(c).toMatchObject({ source: 'call', source_detail: 'twilio:+34910000000' });
    expect(c.calls).toMatchObject([{ direction: 'inbound', outcome: 'no_answer', recordingUrl: null }]);
    expect(c.calls[0]!.startedAt).toBe('2025-10-07T08:00:00.000Z');
    expect(c.pending).toMatchObject({ pending: true, reasons: [{ reason: 'call' }] });
    // The parent then ends `completed` (Twilio ran the TwiML): still unanswered.
    await deliver(inbound(call, '+16505551234', { CallStatus: 'completed', CallDuration: '31', Timestamp: 'Tue, 07 Oct 2025 08:00:31 +0000' }));
    await deliver(base(call, { RecordingSid: `RE${'1'.repeat(32)}`, RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/RE${'1'.repeat(32)}`, RecordingStatus: 'completed', RecordingDuration: '12' }));
    await drain();
    c = (await contactByPhone('+16505551234'))!;
    expect(c.calls).toHaveLength(1);
    expect(c.calls[0]).toMatchObject({ outcome: 'voicemail', recordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/RE${'1'.repeat(32)}` });
    expect(c.pending.pending).toBe(true);
  });

  it('out of order: the parent `completed` first (missed), then the agent leg answered → one call, answered, attention cleared; duplicates are no-ops', async () => {
    const call = sid();
    const parentDone = inbound(call, '+12133734253', { CallStatus: 'completed', CallDuration: '95', SequenceNumber: '3' });
    for (let i = 0; i < 3; i++) expect((await deliver(parentDone)).statusCode).toBe(200);
    await drain();
    let c = (await contactByPhone('+12133734253'))!;
    expect(c.calls).toMatchObject([{ direction: 'inbound', outcome: 'missed' }]);
    expect(c.pending.pending).toBe(true);
    const leg = sid();
    const child = (status: string, extra: Record<string, string> = {}) => base(leg, { ParentCallSid: call, Direction: 'outbound-dial', From: '+34910000000', To: '+34600000001', CallStatus: status, ...extra });
    await deliver(child('completed', { CallDuration: '80' }));
    await deliver(child('in-progress'));
    await deliver(child('ringing'));
    await deliver(child('completed', { CallDuration: '80' }));
    await drain();
    c = (await contactByPhone('+12133734253'))!;
    expect(c.calls).toHaveLength(1);
    expect(c.calls[0]).toMatchObject({ outcome: 'answered', durationSeconds: 80 });
    expect(c.pending.pending).toBe(false);
    expect((await events()).filter((e) => e.eventKey === `${call}#completed`)).toHaveLength(1);
    // A late duplicate after processing changes nothing.
    const before = await eventCount();
    await deliver(parentDone);
    await drain();
    expect(await eventCount()).toBe(before);
    expect((await contactByPhone('+12133734253'))!.calls).toMatchObject([{ outcome: 'answered' }]);
  });

  it('an outbound call to a known contact clears its pending attention, and callbacks processed concurrently make one record', async () => {
    const known = await ws.req('POST', '/v1/contacts', { firstName: 'Lucía', phone: '+34612345678' });
    expect(known.status).toBe(201);
    expect((await ws.req('POST', `/v1/contacts/${known.body.id}/calls`, { direction: 'inbound', outcome: 'missed', startedAt: '2025-10-07T07:00:00Z' })).status).toBe(201);
    const call = sid();
    const out = (status: string, extra: Record<string, string> = {}) => base(call, { Direction: 'outbound-api', From: '+34910000000', To: '+34612345678', CallStatus: status, Timestamp: 'Tue, 07 Oct 2025 09:00:00 +0000', ...extra });
    await deliver(out('initiated'));
    await deliver(out('ringing'));
    await deliver(out('in-progress'));
    await deliver(out('completed', { CallDuration: '42' }));
    await drain({ concurrently: true });
    const c = (await contactByPhone('+34612345678'))!;
    expect(c.id).toBe(known.body.id);
    expect(c.source).toBe('api');
    const outbound = c.calls.filter((x) => x.direction === 'outbound');
    expect(outbound).toMatchObject([{ outcome: 'answered', durationSeconds: 42 }]);
    expect(c.pending.pending).toBe(false);
  });

  it('an unanswered outbound call is recorded as such (and clears attention, as any outbound call)', async () => {
    const call = sid();
    await deliver(base(call, { Direction: 'outbound-api', From: '+34910000000', To: '+33612345678', CallStatus: 'busy' }));
    await drain();
    const c = (await contactByPhone('+33612345678'))!;
    expect(c.calls).toMatchObject([{ direction: 'outbound', outcome: 'busy' }]);
    expect(c.pending.pending).toBe(false);
  });

  it('accepts the JSON variant signed over the URL with bodySHA256', async () => {
    const call = sid();
    const body = JSON.stringify(inbound(call, '+4915112345678', { CallStatus: 'busy' }));
    const query = `?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const signature = twilioSignature(TOKEN, `https://${HOST}${path(integrationId, query)}`, null);
    const res = await t.app.inject({ method: 'POST', url: path(integrationId, query), headers: { host: HOST, 'x-forwarded-proto': 'https', 'content-type': 'application/json', 'x-twilio-signature': signature }, payload: body });
    expect(res.statusCode).toBe(200);
    const tampered = await t.app.inject({ method: 'POST', url: path(integrationId, query), headers: { host: HOST, 'x-forwarded-proto': 'https', 'content-type': 'application/json', 'x-twilio-signature': signature }, payload: body.replace('busy', 'completed') });
    expect(tampered.statusCode).toBe(401);
    await drain();
    expect((await contactByPhone('+4915112345678'))!.calls).toMatchObject([{ direction: 'inbound', outcome: 'busy' }]);
  });

  it('refuses a bad signature, another token or another URL with 401 and stores nothing', async () => {
    const before = await eventCount();
    const params = inbound(sid(), '+16505550000', { CallStatus: 'no-answer' });
    expect((await deliver(params, { token: 'wrong' })).statusCode).toBe(401);
    expect((await deliver(params, { signedUrl: `https://evil.example.com${path()}` })).statusCode).toBe(401);
    const unsigned = await t.app.inject({ method: 'POST', url: path(), headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(params) });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(unsigned.body).code).toBe('webhook_signature_invalid');
    expect(await eventCount()).toBe(before);
  });

  it('stores a malformed callback, or one of another account, as failed with the reason; never a 500', async () => {
    expect((await deliver({ AccountSid: ACCOUNT, CallStatus: 'completed', From: '+16505551234' })).statusCode).toBe(200);
    expect((await deliver(inbound(sid(), '+16505551234', { CallStatus: 'exploded' }))).statusCode).toBe(200);
    const foreign = sid();
    expect((await deliver({ ...inbound(foreign, '+16505559999', { CallStatus: 'busy' }), AccountSid: `AC${'cd'.repeat(16)}` })).statusCode).toBe(200);
    const hidden = sid();
    expect((await deliver(inbound(hidden, 'client:anonymous', { CallStatus: 'no-answer' }))).statusCode).toBe(200);
    await drain();
    const evs = await events();
    expect(evs.find((e) => e.reason === 'CallSid is missing or not a call SID')).toMatchObject({ status: 'failed', kind: 'malformed' });
    expect(evs.find((e) => e.reason?.startsWith('unknown CallStatus'))).toMatchObject({ status: 'failed' });
    expect(evs.find((e) => e.eventKey === `${foreign}#busy`)).toMatchObject({ status: 'failed' });
    expect(evs.find((e) => e.eventKey === `${foreign}#busy`)!.reason).toContain('not this integration');
    expect(evs.find((e) => e.eventKey === `${hidden}#no-answer`)).toMatchObject({ status: 'failed' });
    expect(evs.find((e) => e.eventKey === `${hidden}#no-answer`)!.reason).toContain('hidden or not a phone number');
  });

  it('answers 404 for an unknown integration or another provider’s URL', async () => {
    const params = inbound(sid(), '+16505551234', { CallStatus: 'no-answer' });
    expect((await deliver(params, { id: '0190a000-0000-7000-8000-000000000000' })).statusCode).toBe(404);
    const wrong = await t.app.inject({ method: 'POST', url: `/v1/hooks/aircall/${integrationId}`, headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(wrong.statusCode).toBe(404);
  });
});
