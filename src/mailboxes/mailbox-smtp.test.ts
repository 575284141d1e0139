import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { drainWorkspaceJobs } from '../../test/workspace-jobs.ts';
import { systemActor } from '../lib/actor.ts';
import { queryRows } from '../lib/db.ts';
import { startMailServers, type MailServers } from './real-mail-servers.ts';

/**
 * Mail out over a real SMTP server: Debian's Postfix (private, on loopback) takes the mailbox's
 * login through Dovecot's auth and delivers to Dovecot, where the contact's own mailbox reads it
 * back. The contact writes in through the same Postfix, as from any mail client.
 */
const VENTAS = { address: 'ventas@vixiees.test', password: 'clave-ventas-ñ' };
const CLIENTA = { address: 'marta.ibanez@vixiees.test', password: 'clave-clienta' };
let servers: MailServers;
let t: TestApp;
let ws: TestWorkspace;
let mailboxId: string;
const ran = new Set<string>();

async function imapAs(user: { address: string; password: string }): Promise<ImapFlow> {
  const c = new ImapFlow({ host: servers.host, port: servers.imapPort, secure: false, auth: { user: user.address, pass: user.password }, logger: false });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** The messages of a folder, parsed, once Postfix has delivered at least `atLeast` of them. */
async function folder(user: typeof VENTAS, path: string, atLeast: number) {
  const c = await imapAs(user);
  try {
    for (let i = 0; i < 200; i++) {
      const st = await c.status(path, { messages: true });
      if (st && (st.messages ?? 0) >= atLeast) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const lock = await c.getMailboxLock(path);
    try {
      const all = await c.fetchAll('1:*', { source: true });
      return Promise.all(all.map((m) => simpleParser(m.source!)));
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

const drain = (topic: string) => drainWorkspaceJobs(t, ws.id, ran, { topic });
const sync = async () => {
  await t.deps.services.mailboxes.sync({ workspaceId: ws.id, integrationId: mailboxId });
  await drain('integration.events');
};
const count = async (table: string) => Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id}`))[0]!.n);

beforeAll(async () => {
  servers = await startMailServers([VENTAS, CLIENTA], { smtp: true });
  t = await startTestApp({ config: { mailPrivateHosts: true } });
  ws = await t.workspace();
  const res = await ws.req('POST', '/v1/integrations', {
    provider: 'email_mailbox',
    name: 'Ventas',
    settings: { address: VENTAS.address, username: VENTAS.address, imapHost: servers.host, imapPort: String(servers.imapPort), imapTls: 'none', smtpHost: servers.host, smtpPort: String(servers.smtpPort), smtpTls: 'none' },
    secrets: { password: VENTAS.password },
  });
  expect(res.status, res.text).toBe(201);
  mailboxId = res.body.id;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await servers?.stop();
});

describe('sending from Vixiees over the mailbox SMTP', () => {
  let contactId: string;
  let enquiryId: string;

  it('an enquiry sent through Postfix arrives and is recorded', async () => {
    const client = nodemailer.createTransport({ host: servers.host, port: servers.smtpPort, secure: false, ignoreTLS: true, auth: { user: CLIENTA.address, pass: CLIENTA.password } });
    const info = await client.sendMail({ from: { name: 'Marta Ibáñez', address: CLIENTA.address }, to: VENTAS.address, subject: '¿Tenéis cita disponible el miércoles?', text: 'Hola, me gustaría ver el piso de la calle Alcalá. ¿Podría ser el miércoles por la tarde?' });
    enquiryId = info.messageId;
    await folder(VENTAS, 'INBOX', 1);
    await sync();
    const marta = await t.deps.services.contacts.findByIdentifier(systemActor(ws.id), 'email', CLIENTA.address);
    expect(marta).toMatchObject({ firstName: 'Marta', lastName: 'Ibáñez', source: 'email' });
    contactId = marta!.id;
    expect((await ws.req('GET', `/v1/contacts/${contactId}`)).body.pendingAttention).toMatchObject({ pending: true });
  });

  it('the reply leaves over SMTP with threading headers, reaches the contact, and is not recorded twice from Sent', async () => {
    const [inbound] = (await ws.req('GET', `/v1/contacts/${contactId}/emails`)).body.data;
    const sent = await ws.req('POST', `/v1/contacts/${contactId}/emails/send`, { purpose: 'transactional', subject: 'Re: ¿Tenéis cita disponible el miércoles?', body: 'Hola Marta:\n\nSí, el miércoles a las 17:30 te enseñamos el piso.\n\nUn saludo', threadId: inbound.threadId });
    expect(sent.status, sent.text).toBe(201);
    await drain('email.deliver');
    const email = (await ws.req('GET', `/v1/emails/${sent.body.id}`)).body;
    expect(email).toMatchObject({ status: 'sent', messageId: `<${sent.body.id}@vixiees.test>` });

    const [got] = await folder(CLIENTA, 'INBOX', 1);
    expect(got!.messageId).toBe(`<${sent.body.id}@vixiees.test>`);
    expect(got!.inReplyTo).toBe(enquiryId);
    expect([].concat(got!.references as never)).toEqual([enquiryId]);
    expect(got!.subject).toBe('Re: ¿Tenéis cita disponible el miércoles?');
    expect(got!.from!.value[0]!.address).toBe(VENTAS.address);
    expect(got!.text).toContain('el miércoles a las 17:30');
    // Nothing went to the recording adapter.
    expect(await count('outbound_deliveries')).toBe(0);

    // The copy in Sent is read back and recognised as the same email.
    const [copy] = await folder(VENTAS, 'Sent', 1);
    expect(copy!.messageId).toBe(`<${sent.body.id}@vixiees.test>`);
    const before = await count('emails');
    await sync();
    expect(await count('emails')).toBe(before);
    expect((await ws.req('GET', `/v1/contacts/${contactId}`)).body.pendingAttention).toMatchObject({ pending: false });
  });

  it("the contact's answer from her client joins the same thread", async () => {
    const [ours] = await folder(CLIENTA, 'INBOX', 1);
    const client = nodemailer.createTransport({ host: servers.host, port: servers.smtpPort, secure: false, ignoreTLS: true, auth: { user: CLIENTA.address, pass: CLIENTA.password } });
    // Dated a second ahead: a Date header has whole seconds only, so a reply written in the same
    // second as ours would read as older than it (recorded in the note as a known limit); the
    // mailbox caps a date ahead of its clock at now.
    await client.sendMail({ from: CLIENTA.address, to: VENTAS.address, subject: 'Re: Re: ¿Tenéis cita disponible el miércoles?', text: '¡Genial, allí estaré!', inReplyTo: ours!.messageId, references: [enquiryId, ours!.messageId!], date: new Date(Date.now() + 1000) });
    await folder(VENTAS, 'INBOX', 2);
    await sync();
    const emails = (await ws.req('GET', `/v1/contacts/${contactId}/emails`)).body.data;
    expect(emails.map((e: { direction: string; threadId: string }) => [e.direction, e.threadId])).toEqual([['inbound', enquiryId], ['outbound', enquiryId], ['inbound', enquiryId]]);
  });

  it('a refused login fails the email for good and the contact waits again', async () => {
    expect((await ws.req('PATCH', `/v1/integrations/${mailboxId}`, { secrets: { password: 'ya-no-vale' } })).status).toBe(200);
    const sent = await ws.req('POST', `/v1/contacts/${contactId}/emails/send`, { purpose: 'transactional', subject: 'Confirmación', body: 'Te confirmamos la cita.' });
    expect(sent.status).toBe(201);
    await drain('email.deliver');
    expect((await ws.req('GET', `/v1/emails/${sent.body.id}`)).body.status).toBe('failed');
    expect((await ws.req('GET', `/v1/integrations/${mailboxId}`)).body.status.lastError).toMatch(/^SMTP: .*535/);
    expect((await ws.req('GET', `/v1/contacts/${contactId}`)).body.pendingAttention).toMatchObject({ pending: true });
  });
});
