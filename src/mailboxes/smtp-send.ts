import type { DeliveryResult, OutboundEmail } from '../communications/delivery.ts';
import type { Connection } from '../integrations/integrations.service.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { openImap } from './imap-fetch.ts';
import { resolveMailHost, smtpOf } from './mail-hosts.ts';
import * as repo from './mailboxes.repo.ts';
import { threadOf } from './record-email.ts';

export type SendDeps = { db: Db; clock: Clock; allowPrivateHosts: boolean };

/** A refusal no retry can fix (5xx from the server: bad recipient, refused sender, bad login). */
const permanent = (err: unknown) => Object.assign(err instanceof Error ? err : new Error(String(err)), { permanent: true });

/**
 * Sends one email over the mailbox's SMTP. The Message-ID is made from the email record's id, so
 * a retried job sends the same message, and it is kept in `mailbox_messages` once sent: a retry
 * after that sends nothing. A reply (a `threadId` the mailbox knows) carries In-Reply-To and
 * References, so the contact's client threads it. A copy goes to the Sent folder unless the
 * provider's SMTP keeps one itself (Gmail).
 */
export async function sendOverSmtp(deps: SendDeps, connection: Connection, m: OutboundEmail): Promise<DeliveryResult> {
  const { db, clock } = deps;
  const { workspaceId, id: integrationId } = connection;
  const from = connection.settings.address ?? m.from ?? '';
  const domain = from.split('@')[1]?.toLowerCase() ?? 'vixiees.invalid';
  const messageId = `<${m.messageId}@${domain}>`;
  if (await repo.findMessage(db, workspaceId, integrationId, messageId)) return { providerMessageId: messageId };

  const thread = m.threadId ? await repo.threadMessages(db, workspaceId, m.threadId) : [];
  const references = thread.map((t) => t.messageId);
  const parent = references[references.length - 1];
  const threadId = m.threadId && thread.length ? m.threadId : await threadOf(db, workspaceId, { messageId, references: [], inReplyTo: [] });

  const s = smtpOf(connection);
  const address = await resolveMailHost(s.host, deps.allowPrivateHosts);
  // Loaded on the first send, not at start-up: no request before /readyz sends mail.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: address,
    port: s.port,
    secure: s.tls === 'tls',
    requireTLS: s.tls === 'starttls',
    ignoreTLS: s.tls === 'none',
    tls: { servername: s.host },
    auth: { user: s.user, pass: s.password },
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  const message = {
    from,
    to: m.to,
    subject: m.subject,
    text: m.body,
    messageId,
    ...(parent ? { inReplyTo: parent, references } : {}),
    headers: { 'X-Vixiees-Email': m.messageId },
  };
  try {
    await transport.sendMail(message);
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode;
    throw code && code >= 500 ? permanent(err) : err;
  } finally {
    transport.close();
  }
  await repo.insertMessage(db, { workspaceId, integrationId, messageId, emailId: m.messageId, threadId, direction: 'outbound', note: 'sent from Vixiees', recordedAt: clock.now() });

  if (connection.settings.saveSent !== 'no') {
    // The copy is a courtesy to the team's other clients: failing it does not fail the send.
    try {
      const raw = await new Promise<Buffer>((resolve, reject) =>
        nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(message, (err, info) => (err ? reject(err) : resolve(info.message as Buffer))),
      );
      const client = await openImap(connection, deps.allowPrivateHosts);
      try {
        const sent = connection.settings.sentFolder ?? (await client.list()).find((f) => f.specialUse === '\\Sent')?.path;
        if (sent) await client.append(sent, raw, ['\\Seen']);
      } finally {
        await client.logout().catch(() => client.close());
      }
    } catch {
      /* noted nowhere on purpose: the mail went out */
    }
  }
  return { providerMessageId: messageId };
}
