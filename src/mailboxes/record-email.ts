import type { EmailsService } from '../communications/emails.service.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import { PermanentEventError, type Connection } from '../integrations/integrations.service.ts';
import { systemActor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError } from '../lib/errors.ts';
import * as repo from './mailboxes.repo.ts';
import type { MailEnvelope } from './mime.ts';

/** What the mailbox fetcher stores as an integration event: which way the mail went, and the mail. */
export type MailEvent = { direction: 'inbound' | 'outbound'; folder: string; mail: MailEnvelope };

export type RecordDeps = {
  db: Db;
  clock: Clock;
  contacts: Pick<ContactsService, 'findByIdentifier' | 'create'>;
  emails: Pick<EmailsService, 'create'>;
};

/**
 * The thread a message belongs to: the thread of the newest message it names (References and
 * In-Reply-To) that any mailbox of the workspace has seen, else the oldest id it names, else
 * itself (a new conversation).
 */
export async function threadOf(db: Db, workspaceId: string, mail: Pick<MailEnvelope, 'messageId' | 'references' | 'inReplyTo'>): Promise<string> {
  const named = [...mail.references, ...mail.inReplyTo];
  const known = await repo.newestKnown(db, workspaceId, named);
  return known?.threadId ?? named[0] ?? mail.messageId;
}

function splitName(name: string | null): { firstName?: string; lastName?: string } {
  const parts = (name ?? '').replace(/["']/g, '').trim().split(/\s+/).filter(Boolean);
  if (!parts.length || parts[0]!.includes('@')) return {};
  return { firstName: parts[0]!.slice(0, 200), lastName: parts.slice(1).join(' ').slice(0, 200) || undefined };
}

/**
 * Records one fetched email through the same services the API uses (so attention, the timeline
 * and notifications follow), once per mailbox and Message-ID. Inbound mail from an unknown sender
 * creates the contact (source `email`, detail the mailbox address); automatic mail (auto-replies,
 * bounces, lists) and outbound mail to someone who is not a contact are kept out: recording them
 * would raise attention no one needs to give, or invent contacts from the team's own mail.
 */
export function makeEmailRecorder(deps: RecordDeps) {
  const { db, clock } = deps;

  async function contactFor(connection: Connection, address: string, name: string | null, create: boolean): Promise<string | undefined> {
    const actor = systemActor(connection.workspaceId, connection.id);
    const found = await deps.contacts.findByIdentifier(actor, 'email', address);
    if (found || !create) return found?.id;
    try {
      return (await deps.contacts.create(actor, { email: address, ...splitName(name), source: 'email', sourceDetail: `mailbox:${connection.settings.address ?? connection.id}` })).id;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Another run created it meanwhile, or the address is not one a contact may have.
      const raced = await deps.contacts.findByIdentifier(actor, 'email', address);
      if (raced) return raced.id;
      throw new PermanentEventError(`the contact for ${address} could not be created: ${err.message}`);
    }
  }

  return async function record(connection: Connection, event: MailEvent): Promise<string> {
    const { workspaceId, id: integrationId } = connection;
    const { mail, direction } = event;
    if (await repo.findMessage(db, workspaceId, integrationId, mail.messageId)) return `${mail.messageId} was recorded already`;
    const threadId = await threadOf(db, workspaceId, mail);
    const keep = async (emailId: string | null, note: string) => {
      await repo.insertMessage(db, { workspaceId, integrationId, messageId: mail.messageId, emailId, threadId, direction, note, recordedAt: clock.now() });
      return note;
    };
    const own = (connection.settings.address ?? '').toLowerCase();
    let contactId: string | undefined;
    if (direction === 'inbound') {
      if (!mail.from) return keep(null, 'no sender address; not recorded');
      if (mail.automatic) {
        contactId = await contactFor(connection, mail.from.address, null, false);
        if (!contactId) return keep(null, `automatic message (${mail.automatic}) from an unknown sender; not recorded`);
        return keep(null, `automatic message (${mail.automatic}); not recorded, so it raises no attention`);
      }
      contactId = await contactFor(connection, mail.from.address, mail.from.name, true);
    } else {
      for (const address of [...mail.to, ...mail.cc].filter((a) => a.toLowerCase() !== own)) {
        contactId = await contactFor(connection, address, null, false);
        if (contactId) break;
      }
      if (!contactId) return keep(null, 'sent to no contact; not recorded');
    }
    const now = clock.now();
    const sent = mail.date ? new Date(mail.date) : now;
    try {
      const email = await deps.emails.create(systemActor(workspaceId, integrationId), contactId!, {
        direction,
        from: mail.from?.address ?? null,
        to: mail.to.slice(0, 100),
        subject: mail.subject,
        body: mail.text,
        messageId: mail.messageId,
        threadId,
        // A sender's clock ahead of ours is not the contact's fault: the mail counts from now.
        sentAt: (sent.getTime() > now.getTime() ? now : sent).toISOString(),
      });
      return keep(email.id, `${direction} email ${email.id} for contact ${contactId}`);
    } catch (err) {
      // Recorded by the API, by another mailbox of the workspace, or sent from Vixiees itself.
      if (err instanceof AppError && err.code === 'email_duplicate') return keep(null, `${mail.messageId} is recorded in the workspace already`);
      throw err;
    }
  };
}
