import { lockLiveContact, refreshAttention } from '../attention/attention.service.ts';
import { requireContact } from '../contacts/require-contact.ts';
import type { Actor } from '../lib/actor.ts';
import { authorOf, presentAuthor } from '../lib/authorship.ts';
import type { Db } from '../lib/db.ts';
import { AppError, notFound } from '../lib/errors.ts';
import type { ElementListQuery } from '../lib/http/element-schemas.ts';
import { uuidv7 } from '../lib/ids.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import type { Page } from '../lib/pagination.ts';
import { checkConsent, eventTime, uniqueProviderId, withContactAttention, type CommunicationsDeps } from './communication-helpers.ts';
import { emailsRepo } from './communications.repo.ts';
import type { Email, EmailCreate, EmailSend } from './communications.schema.ts';
import type { EmailRow } from './communications.tables.ts';
import { pageByEventTime } from './page-by-time.ts';

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
  const { db, clock, cursors } = deps;

  async function getRow(tx: Db, actor: Actor, id: string, lock = false): Promise<EmailRow> {
    const row = await emailsRepo.find(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound('Email', id);
    return row;
  }

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
              workspaceId: actor.workspaceId,
              id: uuidv7(now.getTime()),
              contactId,
              direction: input.direction,
              fromAddress: input.from ?? null,
              toAddresses: input.to ?? [],
              subject: input.subject ?? '',
              body: input.body ?? '',
              messageId: input.messageId ?? null,
              threadId: input.threadId ?? null,
              status: input.direction === 'inbound' ? 'received' : 'sent',
              sentAt,
              ...authorOf(actor),
              createdAt: now,
              updatedAt: now,
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
          workspaceId: actor.workspaceId,
          id: uuidv7(now.getTime()),
          contactId,
          direction: 'outbound',
          fromAddress: input.from ?? null,
          toAddresses: to,
          subject: input.subject,
          body: input.body,
          threadId: input.threadId ?? null,
          purpose: input.purpose,
          status: 'queued',
          sentAt: now,
          ...authorOf(actor),
          createdAt: now,
          updatedAt: now,
        });
        await recordOutbox(tx, actor.workspaceId, { topic: EMAIL_DELIVERY_TOPIC, payload: { messageId: row.id, contactId } }, now);
        return presentEmail(row);
      });
    },

    async get(actor: Actor, id: string): Promise<Email> {
      return presentEmail(await getRow(db, actor, id));
    },

    /** A contact's emails, newest first by send time (keyset). */
    async list(actor: Actor, contactId: string, q: ElementListQuery): Promise<Page<Email>> {
      await requireContact(db, actor.workspaceId, contactId, 'read');
      const { rows, nextCursor } = await pageByEventTime({
        cursors,
        binding: `${actor.workspaceId}|emails|${contactId}`,
        cursor: q.cursor,
        limit: q.limit,
        timeOf: (r: EmailRow) => r.sentAt,
        fetch: (after, take) => emailsRepo.list(db, actor.workspaceId, contactId, after, take),
      });
      return { data: rows.map(presentEmail), nextCursor };
    },

    /** Deletes the record (not the sent mail) and recomputes attention without it. */
    async remove(actor: Actor, id: string): Promise<void> {
      const now = clock.now();
      await db.transaction(async (tx) => {
        const peek = await getRow(tx, actor, id);
        const contact = await lockLiveContact(tx, actor.workspaceId, peek.contactId);
        await emailsRepo.remove(tx, actor.workspaceId, id);
        await refreshAttention(tx, contact, now);
      });
    },
  };
}

export type EmailsService = ReturnType<typeof makeEmailsService>;
