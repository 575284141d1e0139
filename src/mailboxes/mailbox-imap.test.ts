import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { systemActor } from '../lib/actor.ts';
import { queryRows } from '../lib/db.ts';
import { startMailServers, type MailServers } from './real-mail-servers.ts';
import { gmailEnquiry, gmailSecondReply, htmlOnlyWithAttachment, MAILBOX, outlookReply, outOfOffice } from './spanish-mail.fixtures.ts';

/**
 * A mailbox on a real IMAP server (Debian's Dovecot, started privately on loopback) read end to
 * end: the poller's fetch, the integration event log, the job that records emails through the
 * emails service, attention, threads, dedupe across refetches and a new UIDVALIDITY.
 */
let servers: MailServers;
let t: TestApp;
let ws: TestWorkspace;
let mailboxId: string;
const PASSWORD = 'contraseña-de-prueba';
const ran = new Set<string>();

const settings = (s: MailServers) => ({
  address: MAILBOX, username: MAILBOX, imapHost: s.host, imapPort: String(s.imapPort), imapTls: 'none', smtpHost: s.host, smtpPort: String(s.smtpPort), smtpTls: 'none',
});

async function imap(): Promise<ImapFlow> {
  const c = new ImapFlow({ host: servers.host, port: servers.imapPort, secure: false, auth: { user: MAILBOX, pass: PASSWORD }, logger: false });
  c.on('error', () => {});
  await c.connect();
  return c;
}
async function put(folder: string, raw: Buffer) {
  const c = await imap();
  try {
    await c.append(folder, raw);
  } finally {
    await c.logout();
  }
}

const drain = () => drainWorkspaceJobs(t, ws.id, ran);
const sync = async (id = mailboxId) => {
  const r = await t.deps.services.mailboxes.sync({ workspaceId: ws.id, integrationId: id });
  await drain();
  return r;
};
const contactOf = (address: string) => t.deps.services.contacts.findByIdentifier(systemActor(ws.id), 'email', address);
const emailsOf = async (contactId: string) => (await ws.req('GET', `/v1/contacts/${contactId}/emails`)).body.data as Record<string, unknown>[];
const attention = async (contactId: string) => (await ws.req('GET', `/v1/contacts/${contactId}`)).body.pendingAttention;
const count = async (table: string) => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id}`))[0]!.n);

beforeAll(async () => {
  servers = await startMailServers([{ address: MAILBOX, password: PASSWORD }]);
  t = await startTestApp({ config: { mailPrivateHosts: true } });
  ws = await t.workspace();
  const res = await ws.req('POST', '/v1/integrations', { provider: 'email_mailbox', name: 'Ventas', settings: settings(servers), secrets: { password: PASSWORD } });
  expect(res.status, res.text).toBe(201);
  mailboxId = res.body.id;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await servers?.stop();
});

describe('connecting a mailbox', () => {
  it('keeps the password sealed and refuses bad settings with a pointer', async () => {
    const got = await ws.req('GET', `/v1/integrations/${mailboxId}`);
    expect(got.body.secretsSet).toEqual(['password']);
    expect(JSON.stringify(got.body)).not.toContain(PASSWORD);
    const bad = await ws.req('POST', '/v1/integrations', { provider: 'email_mailbox', name: 'X', settings: { ...settings(servers), imapPort: '99999', imapTls: 'ssl' }, secrets: { password: 'x' } });
    expect(bad.status).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const pointers = bad.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/settings/imapPort', '/settings/imapTls']));
  });

  it('a wrong password shows in the status, and the other mailbox keeps working', async () => {
    const wrong = await ws.req('POST', '/v1/integrations', { provider: 'email_mailbox', name: 'Mal', settings: settings(servers), secrets: { password: 'no-es-esta' } });
    const r = await sync(wrong.body.id);
    expect(r).toMatchObject({ error: expect.stringContaining('IMAP login refused') });
    const status = (await ws.req('GET', `/v1/integrations/${wrong.body.id}`)).body.status;
    expect(status).toMatchObject({ connected: false, lastError: expect.stringContaining('IMAP login refused') });
    // Fixed password: the next run clears the error.
    expect((await ws.req('PATCH', `/v1/integrations/${wrong.body.id}`, { secrets: { password: PASSWORD } })).status).toBe(200);
    expect(await t.deps.services.mailboxes.sync({ workspaceId: ws.id, integrationId: wrong.body.id })).toEqual({ fetched: 0 });
    expect((await ws.req('GET', `/v1/integrations/${wrong.body.id}`)).body.status.lastError).toBeNull();
    expect((await ws.req('DELETE', `/v1/integrations/${wrong.body.id}`)).status).toBe(204);
  });

  it('refuses a host on a private address unless the installation allows it', async () => {
    const strict = await startTestApp();
    try {
      const w = await strict.workspace();
      const res = await w.req('POST', '/v1/integrations', { provider: 'email_mailbox', name: 'Ventas', settings: settings(servers), secrets: { password: PASSWORD } });
      const r = await strict.deps.services.mailboxes.sync({ workspaceId: w.id, integrationId: res.body.id });
      expect(r).toMatchObject({ error: expect.stringContaining('private or loopback') });
    } finally {
      await strict.close();
    }
  });
});

describe('incoming mail from a real IMAP server', () => {
  it('records an enquiry from an unknown sender as a new contact with source email, pending attention', async () => {
    await put('INBOX', gmailEnquiry());
    expect(await sync()).toEqual({ fetched: 1 });
    const lucia = await contactOf('lucia.fernandez@gmail.com');
    expect(lucia).toMatchObject({ firstName: 'Lucía', lastName: 'Fernández García', source: 'email', sourceDetail: `mailbox:${MAILBOX}` });
    const [email] = await emailsOf(lucia!.id);
    expect(email).toMatchObject({ direction: 'inbound', from: 'lucia.fernandez@gmail.com', to: [MAILBOX], subject: 'Información sobre el préstamo hipotecario', messageId: '<CAF=q8kPz1Yx0aB7@mail.gmail.com>', threadId: '<CAF=q8kPz1Yx0aB7@mail.gmail.com>', sentAt: '2026-11-23T08:15:02.000Z' });
    expect(email!.body).toContain('préstamo hipotecario a 25 años. ¿Podrían llamarme mañana?');
    expect(await attention(lucia!.id)).toMatchObject({ pending: true, reasons: [{ reason: 'email', since: '2026-11-23T08:15:02.000Z' }] });
  });

  it('a reply found in Sent (written in Outlook) clears it, threaded on the enquiry', async () => {
    await put('Sent', outlookReply());
    await sync();
    const lucia = await contactOf('lucia.fernandez@gmail.com');
    const emails = await emailsOf(lucia!.id);
    expect(emails).toHaveLength(2);
    expect(emails[0]).toMatchObject({ direction: 'outbound', subject: 'RE: Información sobre el préstamo hipotecario', threadId: '<CAF=q8kPz1Yx0aB7@mail.gmail.com>' });
    expect(emails[0]!.body).toContain('mañana te llamamos a las 10:00. ¿Te viene bien?');
    expect(await attention(lucia!.id)).toMatchObject({ pending: false });
  });

  it("the contact's Gmail answer joins the thread and makes her wait again", async () => {
    await put('INBOX', gmailSecondReply());
    await sync();
    const lucia = await contactOf('lucia.fernandez@gmail.com');
    const emails = await emailsOf(lucia!.id);
    expect(emails[0]).toMatchObject({ direction: 'inbound', subject: 'Re: Información sobre el préstamo hipotecario', threadId: '<CAF=q8kPz1Yx0aB7@mail.gmail.com>' });
    expect(emails[0]!.body).toContain('¡Gracias!');
    expect(await attention(lucia!.id)).toMatchObject({ pending: true, reasons: [{ reason: 'email', since: '2026-11-23T10:30:10.000Z' }] });
  });

  it('reads an HTML-only message with an attachment; an auto-reply raises nothing', async () => {
    await put('INBOX', htmlOnlyWithAttachment());
    await put('INBOX', outOfOffice());
    await sync();
    const jose = await contactOf('jose.nunez@construcciones-ibarra.es');
    expect(jose).toMatchObject({ firstName: 'José', lastName: 'Núñez', source: 'email' });
    const emails = await emailsOf(jose!.id);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ subject: 'Presupuesto para la ampliación' });
    expect(emails[0]!.body).toBe('Buenas tardes:\nAdjunto el presupuesto de la ampliación del almacén. ¿Lo revisamos el jueves?\nAtentamente,\nJosé Núñez');
    expect(await attention(jose!.id)).toMatchObject({ pending: true, reasons: [{ reason: 'email', since: '2026-11-24T21:40:00.000Z' }] });
    const log = (await ws.req('GET', `/v1/integrations/${mailboxId}/events`)).body.data as { eventKey: string; status: string; reason: string; payload: { mail: { attachments: unknown[] } } }[];
    const withPdf = log.find((e) => e.eventKey === '<20261124214000.7F3A2@construcciones-ibarra.es>')!;
    expect(withPdf.payload.mail.attachments).toEqual([{ filename: 'presupuesto-año-2026.pdf', contentType: 'application/pdf', size: 82 }]);
    const ooo = log.find((e) => e.eventKey === '<ooo-20261124@construcciones-ibarra.es>')!;
    expect(ooo).toMatchObject({ status: 'processed', reason: expect.stringContaining('automatic message') });
  });
});

describe('never twice', () => {
  it('a second run, a lost position (crash before it was saved) and a replay record nothing new', async () => {
    const before = { emails: await count('emails'), events: await count('integration_events'), contacts: await count('contacts') };
    expect(await sync()).toEqual({ fetched: 0 });
    await t.database.systemDb.execute(sql`UPDATE mailbox_folders SET last_uid = 0 WHERE workspace_id = ${ws.id}`);
    expect(await sync()).toEqual({ fetched: 5 });
    const log = (await ws.req('GET', `/v1/integrations/${mailboxId}/events`)).body.data as { id: string }[];
    expect((await ws.req('POST', `/v1/integrations/${mailboxId}/events/${log[0]!.id}/replay`)).status).toBe(202);
    await drain();
    expect({ emails: await count('emails'), events: await count('integration_events'), contacts: await count('contacts') }).toEqual(before);
  });

  it('a new UIDVALIDITY reads the folder again from the start without duplicates', async () => {
    const [before] = await queryRows<{ uid_validity: string }>(t.database.systemDb, sql`SELECT uid_validity FROM mailbox_folders WHERE workspace_id = ${ws.id} AND folder = 'Sent'`);
    const c = await imap();
    try {
      await c.mailboxDelete('Sent');
      await c.mailboxCreate('Sent');
    } finally {
      await c.logout();
    }
    await put('Sent', outlookReply());
    const emails = await count('emails');
    expect(await sync()).toEqual({ fetched: 1 });
    const [after] = await queryRows<{ uid_validity: string; last_uid: string }>(t.database.systemDb, sql`SELECT uid_validity, last_uid FROM mailbox_folders WHERE workspace_id = ${ws.id} AND folder = 'Sent'`);
    expect(after!.uid_validity).not.toBe(before!.uid_validity);
    expect(Number(after!.last_uid)).toBe(1);
    expect(await count('emails')).toBe(emails);
  });
});

describe('IMAP IDLE', () => {
  /** Waits, up to a deadline, for `check` to hold (mail pushed by the server comes when it comes). */
  async function until(check: () => Promise<boolean>, what: string): Promise<void> {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`not seen within 30 s: ${what}`);
  }
  const stored = async (messageId: string) =>
    (await queryRows(t.database.systemDb, sql`SELECT 1 FROM integration_events WHERE workspace_id = ${ws.id} AND integration_id = ${mailboxId} AND event_key = ${messageId}`)).length === 1;

  it('mail delivered to a watched INBOX comes in without a poll; unwatched, it waits for the next poll', async () => {
    const mailboxes = t.deps.services.mailboxes;
    await mailboxes.idle.watchOnly([{ workspaceId: ws.id, id: mailboxId }]);
    expect(mailboxes.idle.watching()).toEqual([mailboxId]);
    await mailboxes.whenRead();

    const messageId = '<idle-1@correo.example.es>';
    await put('INBOX', Buffer.from([
      'From: Lucía Ferrer <lucia.ferrer@correo.example.es>', `To: ${MAILBOX}`, 'Subject: Visita al piso de Gràcia', `Message-ID: ${messageId}`,
      'Date: Mon, 5 Jan 2026 10:00:00 +0100', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', '¿Podemos verlo el jueves?', '',
    ].join('\r\n'), 'utf8'));
    await until(() => stored(messageId), 'the event of the message delivered while watched');
    await mailboxes.whenRead();
    await drain();
    const lucia = await contactOf('lucia.ferrer@correo.example.es');
    expect(lucia?.source).toBe('email');
    expect(await attention(lucia!.id)).toMatchObject({ pending: true });

    await mailboxes.idle.watchOnly([]);
    expect(mailboxes.idle.watching()).toEqual([]);
    const later = '<idle-2@correo.example.es>';
    await put('INBOX', Buffer.from([`From: lucia.ferrer@correo.example.es`, `To: ${MAILBOX}`, 'Subject: Re: Visita', `Message-ID: ${later}`, 'Date: Mon, 5 Jan 2026 11:00:00 +0100', '', 'Mejor el viernes.', ''].join('\r\n'), 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await stored(later)).toBe(false);
    expect(await sync()).toEqual({ fetched: 1 });
    expect(await stored(later)).toBe(true);
  });
});
