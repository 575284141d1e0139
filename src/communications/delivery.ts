import { lockContactForAttention, refreshAttention } from '../attention/attention.service.ts';
import { findContactRow } from '../contacts/contacts.service.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import type { JobPayload } from '../lib/jobs/queue.ts';
import { emailsRepo, whatsappRepo } from './communications.repo.ts';
import { outboundDeliveries } from './communications.tables.ts';

/** One outbound message as a provider needs it. `messageId` doubles as the idempotency key. */
export type OutboundWhatsapp = {
  workspaceId: string;
  messageId: string;
  contactId: string;
  to: string;
  type: 'text' | 'template';
  text: string | null;
  template: { name: string; language: string | null; variables: string[] } | null;
};
export type OutboundEmail = {
  workspaceId: string;
  messageId: string;
  contactId: string;
  from: string | null;
  to: string[];
  subject: string;
  body: string;
  threadId: string | null;
};
export type DeliveryResult = { providerMessageId: string };

/**
 * What the real WhatsApp and email providers will implement. A call may be repeated with the
 * same `messageId` (a job retried after a crash): implementations must not send twice (pass it
 * as the provider's idempotency key, or record it as the recording adapter does).
 */
export type DeliveryAdapter = {
  sendWhatsapp(message: OutboundWhatsapp): Promise<DeliveryResult>;
  sendEmail(message: OutboundEmail): Promise<DeliveryResult>;
};

/**
 * A real WhatsApp channel for the workspaces that have one: `send` answers undefined for a
 * workspace without it, whose messages keep going to `base` (the recording adapter).
 */
export type WhatsappSender = (message: OutboundWhatsapp) => Promise<DeliveryResult | undefined>;

export function withWhatsappSender(base: DeliveryAdapter, send: WhatsappSender): DeliveryAdapter {
  return {
    async sendWhatsapp(message) {
      return (await send(message)) ?? base.sendWhatsapp(message);
    },
    sendEmail: (message) => base.sendEmail(message),
  };
}

/** A real email channel (the workspace's own mailbox): undefined for a workspace without one, whose mail keeps going to `base`. */
export type EmailSender = (message: OutboundEmail) => Promise<DeliveryResult | undefined>;

export function withEmailSender(base: DeliveryAdapter, send: EmailSender): DeliveryAdapter {
  return {
    sendWhatsapp: (message) => base.sendWhatsapp(message),
    async sendEmail(message) {
      return (await send(message)) ?? base.sendEmail(message);
    },
  };
}

/** A provider error no retry can fix (a 4xx other than 408/429: bad number, window closed, bad template). */
const isPermanent = (err: unknown): boolean => typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true;

/** Until the providers exist: stores what would be sent in `outbound_deliveries`, once per message. */
export function makeRecordingDeliveryAdapter(deps: { db: Db; clock: Clock }): DeliveryAdapter {
  async function record(channel: 'whatsapp' | 'email', m: { workspaceId: string; messageId: string; contactId: string }, recipient: string, payload: Record<string, unknown>) {
    const providerMessageId = `recorded-${channel}-${m.messageId}`;
    await deps.db
      .insert(outboundDeliveries)
      .values({ workspaceId: m.workspaceId, channel, messageId: m.messageId, contactId: m.contactId, recipient, payload, providerMessageId, createdAt: deps.clock.now() })
      .onConflictDoNothing();
    return { providerMessageId };
  }
  return {
    sendWhatsapp: (m) => record('whatsapp', m, m.to, { type: m.type, text: m.text, template: m.template }),
    sendEmail: (m) => record('email', m, m.to.join(', '), { from: m.from, to: m.to, subject: m.subject, body: m.body, threadId: m.threadId }),
  };
}

/**
 * The delivery jobs. Idempotent on the message id: a message no longer `queued` (delivered by an
 * earlier run, or deleted) is skipped, and the adapter dedupes a run that crashed between sending
 * and marking `sent`. Errors propagate so the queue retries with back-off.
 */
export function makeDeliveryService(deps: { db: Db; clock: Clock; adapter: DeliveryAdapter }) {
  const { db, clock, adapter } = deps;

  async function recipientOf(workspaceId: string, contactId: string): Promise<string | undefined> {
    const c = await findContactRow(db, workspaceId, contactId);
    return c?.phone ?? c?.whatsappUserId ?? undefined;
  }

  /** The message could not be delivered: it is `failed`, and (not being a reply) no longer attends the contact. */
  async function markFailed(repoFor: typeof whatsappRepo | typeof emailsRepo, workspaceId: string, messageId: string, contactId: string) {
    await db.transaction(async (tx) => {
      const contact = await lockContactForAttention(tx, workspaceId, contactId);
      await repoFor.update(tx, workspaceId, messageId, { status: 'failed', updatedAt: clock.now() });
      if (contact) await refreshAttention(tx, contact, clock.now());
    });
  }

  return {
    /** Retries spent: a message still `queued` becomes `failed`. */
    async failWhatsapp(payload: JobPayload): Promise<void> {
      const m = await whatsappRepo.find(db, payload.workspaceId, String(payload.messageId));
      if (m && m.status === 'queued') await markFailed(whatsappRepo, payload.workspaceId, m.id, m.contactId);
    },

    async failEmail(payload: JobPayload): Promise<void> {
      const m = await emailsRepo.find(db, payload.workspaceId, String(payload.messageId));
      if (m && m.status === 'queued') await markFailed(emailsRepo, payload.workspaceId, m.id, m.contactId);
    },

    async deliverWhatsapp(payload: JobPayload): Promise<void> {
      const { workspaceId } = payload;
      const m = await whatsappRepo.find(db, workspaceId, String(payload.messageId));
      if (!m || m.status !== 'queued') return;
      const to = await recipientOf(workspaceId, m.contactId);
      if (!to) {
        // The contact lost its number meanwhile: the message fails, and did not attend the contact.
        await markFailed(whatsappRepo, workspaceId, m.id, m.contactId);
        return;
      }
      let result: DeliveryResult;
      try {
        result = await adapter.sendWhatsapp({
          workspaceId,
          messageId: m.id,
          contactId: m.contactId,
          to,
          type: m.type === 'template' ? 'template' : 'text',
          text: m.type === 'text' ? m.body : null,
          template: m.templateName ? { name: m.templateName, language: m.templateLanguage, variables: m.templateVariables ?? [] } : null,
        });
      } catch (err) {
        // Retrying cannot help: failed now, and the contact is waiting again; others go back to the queue.
        if (!isPermanent(err)) throw err;
        await markFailed(whatsappRepo, workspaceId, m.id, m.contactId);
        return;
      }
      // A delivery receipt may have moved the status on meanwhile: never back to `sent`.
      const now = await whatsappRepo.find(db, workspaceId, m.id);
      await whatsappRepo.update(db, workspaceId, m.id, { ...(now?.status === 'queued' ? { status: 'sent' as const } : {}), providerMessageId: result.providerMessageId, updatedAt: clock.now() });
    },

    async deliverEmail(payload: JobPayload): Promise<void> {
      const { workspaceId } = payload;
      const m = await emailsRepo.find(db, workspaceId, String(payload.messageId));
      if (!m || m.status !== 'queued') return;
      let result: DeliveryResult;
      try {
        result = await adapter.sendEmail({
          workspaceId,
          messageId: m.id,
          contactId: m.contactId,
          from: m.fromAddress,
          to: m.toAddresses,
          subject: m.subject,
          body: m.body,
          threadId: m.threadId,
        });
      } catch (err) {
        // Refused for good (an SMTP 5xx): failed now, and the contact is waiting again.
        if (!isPermanent(err)) throw err;
        await markFailed(emailsRepo, workspaceId, m.id, m.contactId);
        return;
      }
      await emailsRepo.update(db, workspaceId, m.id, { status: 'sent', messageId: m.messageId ?? result.providerMessageId, updatedAt: clock.now() });
    },
  };
}

export type DeliveryService = ReturnType<typeof makeDeliveryService>;
