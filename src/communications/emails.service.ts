import type { Actor } from '../lib/actor.ts';
import { presentAuthor } from '../lib/authorship.ts';
import { AppError } from '../lib/errors.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import { communicationElement } from './communication-element.ts';
import { checkConsent, eventTime, newRow, uniqueProviderId, withContactAttention, type CommunicationsDeps } from './communication-helpers.ts';
import { emailsRepo } from './communications.repo.ts';
import type { Email, EmailCreate, EmailSend } from './communications.schema.ts';
import type { EmailRow } from './communications.tables.ts';

export const EMAIL_DELIVERY_TOPIC = 'email.deliver';

export function presentEmail(row: EmailRow): Email {
  return {
    id: row.id,
    contactId: row.contactId,
    direction: row.direction,
    from: row.fromAddress,
    to: row.toAddresses,
    subject: row.subject,
    body: row.body,
    messageId: row.messageId,
    threadId: row.threadId,
    purpose: row.purpose,
    status: row.status,
    sentAt: row.sentAt.toISOString(),
    author: presentAuthor(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: Number(row.version),
  };
}

export function makeEmailsService(deps: CommunicationsDeps) {
  const { clock } = deps;
  const element = communicationElement(deps, {
    name: 'Email',
    listKey: 'emails',
    repo: emailsRepo,
    timeOf: (r: EmailRow) => r.sentAt,
    present: presentEmail,
  });

  return {
    /**
     * Records an email that was received or sent elsewhere (logging, the email channel later).
     * Recording is not sending: no consent check, nothing is delivered.
     */
    async create(actor: Actor, contactId: string, input: EmailCreate): Promise<Email> {
      const now = clock.now();
      const sentAt = eventTime(input.sentAt, now, '/sentAt');
      return withContactAttention(deps, actor, contactId, (tx) =>
        uniqueProviderId('email_duplicate', '/messageId', input.messageId, async () =>
          presentEmail(
            await emailsRepo.insert(tx, {
              ...newRow(actor, contactId, now),
              direction: input.direction,
              fromAddress: input.from ?? null,
              toAddresses: input.to ?? [],
              subject: input.subject ?? '',
              body: input.body ?? '',
              messageId: input.messageId ?? null,
              threadId: input.threadId ?? null,
              status: input.direction === 'inbound' ? 'received' : 'sent',
              sentAt,
            }),
          ),
        ),
      );
    },

    /**
     * Sends an email to the contact: checks the consent for its purpose, records it `queued`
     * and hands delivery to a job through the outbox (same transaction: a crash loses nothing).
     * Allowed for ignored contacts. Attends the contact at once.
     */
    async send(actor: Actor, contactId: string, input: EmailSend): Promise<Email> {
      const now = clock.now();
      return withContactAttention(deps, actor, contactId, async (tx, contact) => {
        checkConsent(contact, 'email', input.purpose);
        const to = input.to ?? (contact.email ? [contact.email] : []);
        if (to.length === 0) {
          throw new AppError('contact_has_no_email', 'The contact has no email address; give `to`', {
            errors: [{ pointer: '/to', code: 'required', message: 'the contact has no email address' }],
          });
        }
        const row = await emailsRepo.insert(tx, {
          ...newRow(actor, contactId, now),
          direction: 'outbound',
          fromAddress: input.from ?? null,
          toAddresses: to,
          subject: input.subject,
          body: input.body,
          threadId: input.threadId ?? null,
          purpose: input.purpose,
          status: 'queued',
          sentAt: now,
        });
        await recordOutbox(tx, actor.workspaceId, { topic: EMAIL_DELIVERY_TOPIC, payload: { messageId: row.id, contactId } }, now);
        return presentEmail(row);
      });
    },

    get: element.get,

    /** A contact's emails, newest first by send time (keyset). */
    list: element.list,

    /** Deletes the record (not the sent mail) and recomputes attention without it. */
    async remove(actor: Actor, id: string): Promise<void> {
      await element.remove(actor, id);
    },
  };
}

export type EmailsService = ReturnType<typeof makeEmailsService>;
