import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { systemActor } from '../lib/actor.ts';
import { queryRows } from '../lib/db.ts';
import { mailgunSignature } from './forwarded-mail.ts';
import { gmailEnquiry, htmlOnlyWithAttachment } from './spanish-mail.fixtures.ts';

/** Raw MIME forwarded by SendGrid Inbound Parse (multipart, field `email`) and Mailgun routes (`body-mime`, signed). */
let t: TestApp;
let ws: TestWorkspace;
let sendgridId: string;
let mailgunId: string;
const KEY = 'mg_key';
const URL_TOKEN = 'tok-9f8e7d6c5b4a';
const ran = new Set<string>();

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  const sg = await ws.req('POST', '/v1/integrations', { provider: 'sendgrid_inbound', name: 'Parse', settings: { address: 'ventas@crm.example.org' }, secrets: { urlToken: URL_TOKEN } });
  expect(sg.status, sg.text).toBe(201);
  sendgridId = sg.body.id;
  const mg = await ws.req('POST', '/v1/integrations', { provider: 'mailgun_inbound', name: 'Rutas', secrets: { signingKey: KEY } });
  expect(mg.status, mg.text).toBe(201);
  mailgunId = mg.body.id;
});
afterAll(async () => {
  await t.close();
});

const drain = () => drainWorkspaceJobs(t, ws.id, ran);
const count = async (table: string) => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id}`))[0]!.n);

/** What SendGrid posts with "POST the raw, full MIME message" ticked. */
function sendgridBody(mime: Buffer): { body: Buffer; type: string } {
  const b = 'xYzZY';
  const field = (name: string, value: string | Buffer) => Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`), Buffer.from(value), Buffer.from('\r\n')]);
  const body = Buffer.concat([
    field('dkim', '{@gmail.com : pass}'),
    field('email', mime),
    field('envelope', '{"to":["ventas@crm.example.org"],"from":"lucia.fernandez@gmail.com"}'),
    field('SPF', 'pass'),
    field('charsets', '{"to":"UTF-8","from":"UTF-8","subject":"UTF-8"}'),
    Buffer.from(`--${b}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${b}` };
}
const postSendgrid = (mime: Buffer, token = URL_TOKEN) => {
  const { body, type } = sendgridBody(mime);
  return t.app.inject({ method: 'POST', url: `/v1/hooks/sendgrid_inbound/${sendgridId}?token=${token}`, headers: { 'content-type': type }, payload: body });
};

/** What a Mailgun route ending in `mime` posts (urlencoded, no attachments outside the MIME). */
function mailgunBody(mime: Buffer, opts: { timestamp?: number; key?: string } = {}): string {
  const timestamp = String(opts.timestamp ?? Math.floor(t.deps.clock.now().getTime() / 1000));
  const token = 'abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmn';
  return new URLSearchParams({ recipient: 'ventas@crm.example.org', sender: 'jose.nunez@construcciones-ibarra.es', subject: 'Presupuesto', 'body-mime': mime.toString('utf8'), timestamp, token, signature: mailgunSignature(opts.key ?? KEY, timestamp, token) }).toString();
}
const postMailgun = (body: string) => t.app.inject({ method: 'POST', url: `/v1/hooks/mailgun_inbound/${mailgunId}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });

describe('Mailgun signature', () => {
  it('reproduces the known-answer vector', () => {
    expect(mailgunSignature('mg_key', '1735689600', 'abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmn')).toBe('01813d0f54a7306a39e0f9512b143da12fa202da1ede1125991983ae9ee7d31e');
  });
});

describe('forwarded raw MIME', () => {
  it('SendGrid: the raw message becomes an email of a new contact; a redelivery stores nothing; a wrong token is 401', async () => {
    expect((await postSendgrid(gmailEnquiry('ventas@crm.example.org'), 'otro')).statusCode).toBe(401);
    const res = await postSendgrid(gmailEnquiry('ventas@crm.example.org'));
    expect(res.statusCode, res.body).toBe(200);
    expect((await postSendgrid(gmailEnquiry('ventas@crm.example.org'))).json()).toMatchObject({ stored: 0 });
    await drain();
    const lucia = await t.deps.services.contacts.findByIdentifier(systemActor(ws.id), 'email', 'lucia.fernandez@gmail.com');
    expect(lucia).toMatchObject({ firstName: 'Lucía', source: 'email', sourceDetail: 'mailbox:ventas@crm.example.org' });
    const [email] = (await ws.req('GET', `/v1/contacts/${lucia!.id}/emails`)).body.data;
    expect(email).toMatchObject({ direction: 'inbound', subject: 'Información sobre el préstamo hipotecario', messageId: '<CAF=q8kPz1Yx0aB7@mail.gmail.com>' });
    expect((await ws.req('GET', `/v1/contacts/${lucia!.id}`)).body.pendingAttention).toMatchObject({ pending: true });
  });

  it('Mailgun: a signed mime route is recorded; a stale or wrongly signed one stores nothing', async () => {
    const before = await count('integration_events');
    expect((await postMailgun(mailgunBody(htmlOnlyWithAttachment(), { key: 'otra' }))).statusCode).toBe(401);
    expect((await postMailgun(mailgunBody(htmlOnlyWithAttachment(), { timestamp: Math.floor(t.deps.clock.now().getTime() / 1000) - 600 }))).statusCode).toBe(401);
    expect(await count('integration_events')).toBe(before);
    const res = await postMailgun(mailgunBody(htmlOnlyWithAttachment()));
    expect(res.statusCode, res.body).toBe(200);
    await drain();
    const jose = await t.deps.services.contacts.findByIdentifier(systemActor(ws.id), 'email', 'jose.nunez@construcciones-ibarra.es');
    const [email] = (await ws.req('GET', `/v1/contacts/${jose!.id}/emails`)).body.data;
    expect(email).toMatchObject({ subject: 'Presupuesto para la ampliación' });
    expect(email.body).toContain('¿Lo revisamos el jueves?');
  });

  it('a post without raw MIME is kept as failed with the reason, never a crash', async () => {
    const res = await postMailgun(new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(mailgunBody(Buffer.from('')))), 'body-mime': '' }).toString());
    expect(res.statusCode).toBe(200);
    const log = (await ws.req('GET', `/v1/integrations/${mailgunId}/events?status=failed`)).body.data;
    expect(log[0]).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('no raw MIME') });
  });
});
