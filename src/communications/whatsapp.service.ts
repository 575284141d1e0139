import { and, eq, inArray, sql } from 'drizzle-orm';
import { lockLiveContacts, refreshAttentionOf } from '../attention/attention.service.ts';
import { whatsappWindow } from '../contacts/attention-state.ts';
import type { ContactRow } from '../contacts/contacts.service.ts';
import type { Actor } from '../lib/actor.ts';
import { presentAuthor } from '../lib/authorship.ts';
import type { Db } from '../lib/db.ts';
import { uuidv7Source } from '../lib/ids.ts';
import { authorOf } from '../lib/authorship.ts';
import { AppError, fieldError } from '../lib/errors.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import { communicationElement, Unchanged } from './communication-element.ts';
import { checkConsent, eventTime, newRow, uniqueProviderId, withContactAttention, type CommunicationsDeps } from './communication-helpers.ts';
import { findTemplatesByName, whatsappRepo } from './communications.repo.ts';
import type { WhatsappCreate, WhatsappInbound, WhatsappMessage, WhatsappOutbound, WhatsappUpdate } from './communications.schema.ts';
import { whatsappMessages, type WhatsappMessageRow } from './communications.tables.ts';

export const WHATSAPP_DELIVERY_TOPIC = 'whatsapp.deliver';

const STATUS_RANK: Record<WhatsappMessageRow['status'], number> = { received: 0, queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

export function presentWhatsappMessage(row: WhatsappMessageRow): WhatsappMessage {
  return {
    id: row.id,
    contactId: row.contactId,
    direction: row.direction,
    type: row.type,
    body: row.body,
    templateName: row.templateName,
    templateLanguage: row.templateLanguage,
    templateVariables: row.templateVariables ?? null,
    mediaUrl: row.mediaUrl,
    purpose: row.purpose,
    status: row.status,
    providerMessageId: row.providerMessageId,
    sentAt: row.sentAt.toISOString(),
    author: presentAuthor(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: Number(row.version),
  };
}

/** An inbound message of `receiveMany`: text, or media already stored (its URL). */
export type InboundItem = { contactId: string; type: 'text' | 'media'; body: string | null; mediaUrl?: string | null; providerMessageId: string; sentAt: Date };

/** What each inbound type must carry. */
function checkInbound(input: WhatsappInbound): void {
  if (input.type === 'text' && !input.body) throw fieldError('/body', 'required', 'a text message needs a body');
  if (input.type === 'template' && !input.templateName) throw fieldError('/templateName', 'required', 'a template message needs templateName');
  if (input.type === 'media' && !input.mediaUrl) throw fieldError('/mediaUrl', 'required', 'a media message needs mediaUrl');
}

export function makeWhatsappService(deps: CommunicationsDeps) {
  const { clock } = deps;
  const element = communicationElement(deps, {
    name: 'WhatsApp message',
    listKey: 'whatsapp',
    repo: whatsappRepo,
    timeOf: (r: WhatsappMessageRow) => r.sentAt,
    present: presentWhatsappMessage,
  });

  /** The approved template to send, checked against the message's purpose. */
  async function resolveTemplate(tx: Db, actor: Actor, input: WhatsappOutbound) {
    const t = input.template!;
    const all = await findTemplatesByName(tx, actor.workspaceId, t.name);
    const matching = t.language ? all.filter((x) => x.language === t.language) : all;
    if (matching.length === 0) {
      throw new AppError('whatsapp_template_unknown', `No WhatsApp template "${t.name}"${t.language ? ` in ${t.language}` : ''} in this workspace`, {
        errors: [{ pointer: t.language && all.length ? '/template/language' : '/template/name', code: 'unknown_template', message: 'no such template' }],
      });
    }
    if (matching.length > 1) throw fieldError('/template/language', 'required', `Template "${t.name}" exists in ${matching.map((m) => m.language).join(', ')}: say which`);
    const template = matching[0]!;
    if (template.category === 'marketing' && input.purpose !== 'marketing') {
      throw fieldError('/purpose', 'template_is_marketing', `Template "${t.name}" is a marketing template: send it with purpose marketing`);
    }
    return template;
  }

  async function send(actor: Actor, contactId: string, input: WhatsappOutbound): Promise<WhatsappMessage> {
    if (!input.text === !input.template) throw fieldError('/text', 'text_or_template', 'give either text (free-form) or template, not both');
    const now = clock.now();
    return withContactAttention(deps, actor, contactId, async (tx, contact: ContactRow) => {
      if (!contact.phone && !contact.whatsappUserId) {
        throw new AppError('contact_has_no_whatsapp', 'The contact has no phone or WhatsApp user id to write to');
      }
      checkConsent(contact, 'whatsapp', input.purpose);
      const template = input.template ? await resolveTemplate(tx, actor, input) : undefined;
      if (!template) {
        const window = whatsappWindow(contact.lastInboundWhatsappAt, now);
        if (!window.open) {
          const since = contact.lastInboundWhatsappAt ? `closed at ${window.expiresAt}` : 'never opened: the contact has not written';
          throw new AppError('whatsapp_window_closed', `The 24-hour WhatsApp window is ${since}; free-form text needs it open, send an approved template instead`, {
            extra: { expiresAt: window.expiresAt },
            errors: [{ pointer: '/text', code: 'whatsapp_window_closed', message: 'outside the 24-hour window a template is needed' }],
          });
        }
      }
      const row = await whatsappRepo.insert(tx, {
        ...newRow(actor, contactId, now),
        direction: 'outbound',
        type: template ? 'template' : 'text',
        body: input.text ?? template?.body ?? null,
        templateName: template?.name ?? null,
        templateLanguage: template?.language ?? null,
        templateVariables: input.template?.variables ?? null,
        purpose: input.purpose,
        status: 'queued',
        sentAt: now,
      });
      await recordOutbox(tx, actor.workspaceId, { topic: WHATSAPP_DELIVERY_TOPIC, payload: { messageId: row.id, contactId } }, now);
      return presentWhatsappMessage(row);
    });
  }

  async function receive(actor: Actor, contactId: string, input: WhatsappInbound): Promise<WhatsappMessage> {
    checkInbound(input);
    const now = clock.now();
    const sentAt = eventTime(input.sentAt, now, '/sentAt');
    return withContactAttention(deps, actor, contactId, (tx) =>
      uniqueProviderId('whatsapp_message_duplicate', '/providerMessageId', input.providerMessageId, async () =>
        presentWhatsappMessage(
          await whatsappRepo.insert(tx, {
            ...newRow(actor, contactId, now),
            direction: 'inbound',
            type: input.type,
            body: input.body ?? null,
            templateName: input.templateName ?? null,
            mediaUrl: input.mediaUrl ?? null,
            status: 'received',
            providerMessageId: input.providerMessageId ?? null,
            sentAt,
          }),
        ),
      ),
    );
  }

  /** Inbound messages of one batch, in one statement (one JSON parameter, as the contact batch writer does). */
  async function insertInbound(tx: Db, actor: Actor, items: InboundItem[], now: Date): Promise<string[]> {
    const newId = uuidv7Source(now.getTime());
    const ids = items.map(() => newId());
    const { authorType, authorId } = authorOf(actor);
    const rows = items.map((m, i) => ({ id: ids[i], contact_id: m.contactId, type: m.type, body: m.body, media_url: m.mediaUrl ?? null, provider_message_id: m.providerMessageId, sent_at: m.sentAt.toISOString() }));
    await tx.execute(sql`INSERT INTO whatsapp_messages (workspace_id, id, contact_id, direction, type, body, media_url, status, provider_message_id, sent_at, author_type, author_id, created_at, updated_at)
      SELECT ${actor.workspaceId}::uuid, v.id, v.contact_id, 'inbound', v.type, v.body, v.media_url, 'received', v.provider_message_id, v.sent_at, ${authorType}, ${authorId}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id uuid, contact_id uuid, type text, body text, media_url text, provider_message_id text, sent_at timestamptz)`);
    return ids;
  }

  return {
    /**
     * `inbound`: records a message the contact sent (opens the 24-hour window, raises attention
     * unless ignored). `outbound`: sends one — consent for its purpose, and for free-form text
     * an open window — recorded `queued` and delivered by a job (see delivery.ts).
     */
    async create(actor: Actor, contactId: string, input: WhatsappCreate): Promise<WhatsappMessage> {
      return input.direction === 'inbound' ? receive(actor, contactId, input) : send(actor, contactId, input);
    },

    /**
     * Records many inbound messages at once (a channel webhook's batch), in the caller's
     * transaction: their contacts locked in id order, the messages in one statement, attention
     * and the 24-hour window recomputed once per contact. Each item is checked as `create`
     * checks one (a time in the future is refused); a contact that is gone fails them all.
     * Answers the ids, in the order given.
     */
    /** Which of these provider message ids the workspace has recorded already (a redelivery). */
    async recordedProviderIds(actor: Actor, ids: string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await deps.db
        .select({ id: whatsappMessages.providerMessageId })
        .from(whatsappMessages)
        .where(and(eq(whatsappMessages.workspaceId, actor.workspaceId), inArray(whatsappMessages.providerMessageId, ids)));
      return new Set(rows.map((r) => r.id!));
    },

    async receiveMany(actor: Actor, items: InboundItem[]): Promise<string[]> {
      if (items.length === 0) return [];
      const now = clock.now();
      for (const m of items) eventTime(m.sentAt.toISOString(), now, '/sentAt');
      return deps.db.transaction(async (tx) => {
        const before = await lockLiveContacts(tx, actor.workspaceId, [...new Set(items.map((m) => m.contactId))]);
        const ids = await insertInbound(tx, actor, items, now);
        await refreshAttentionOf(tx, before, now);
        return ids;
      });
    },

    get: element.get,

    /** A contact's WhatsApp messages, newest first by send time (keyset). */
    list: element.list,

    /** Delivery status of a sent message, only forwards; `failed` means the contact was not attended by it. */
    async updateStatus(actor: Actor, id: string, patch: WhatsappUpdate, opts: { ifMatch?: number } = {}): Promise<WhatsappMessage> {
      return element.change(actor, id, opts.ifMatch, async (tx, current, now) => {
        if (current.direction === 'inbound') throw fieldError('/status', 'inbound_message', 'A received message has no delivery status');
        if (current.status === 'queued') throw fieldError('/status', 'not_sent_yet', 'The message is still queued for delivery');
        // Provider callbacks arrive out of order: a status never moves back (read stays read).
        if (STATUS_RANK[patch.status] <= STATUS_RANK[current.status]) return new Unchanged(presentWhatsappMessage(current));
        return presentWhatsappMessage((await whatsappRepo.update(tx, actor.workspaceId, id, { status: patch.status, updatedAt: now }))!);
      });
    },

    async remove(actor: Actor, id: string): Promise<void> {
      await element.remove(actor, id);
    },

    /** For channel webhooks: the id of the workspace's message with this provider id, if any. */
    async findIdByProviderId(actor: Actor, providerMessageId: string): Promise<{ id: string; direction: 'inbound' | 'outbound' } | undefined> {
      const [row] = await deps.db
        .select({ id: whatsappMessages.id, direction: whatsappMessages.direction })
        .from(whatsappMessages)
        .where(and(eq(whatsappMessages.workspaceId, actor.workspaceId), eq(whatsappMessages.providerMessageId, providerMessageId)))
        .limit(1);
      return row;
    },

    /**
     * A provider's delivery receipt for an outbound message, in any order: the status only moves
     * forward (a late `sent` after `read` changes nothing; `failed` is final), and a failure
     * recomputes attention, so the contact is waiting again. Also sets the provider id if the
     * sending job has not recorded it yet.
     */
    async applyDeliveryStatus(actor: Actor, id: string, status: 'sent' | 'delivered' | 'read' | 'failed', providerMessageId?: string): Promise<'applied' | 'unchanged' | 'missing'> {
      const found = await whatsappRepo.find(deps.db, actor.workspaceId, id);
      if (!found || found.direction !== 'outbound') return 'missing';
      return withContactAttention(deps, actor, found.contactId, async (tx) => {
        const current = await whatsappRepo.find(tx, actor.workspaceId, id, true);
        if (!current) return 'missing' as const;
        if (STATUS_RANK[status] <= STATUS_RANK[current.status]) return 'unchanged' as const;
        await whatsappRepo.update(tx, actor.workspaceId, id, { status, ...(current.providerMessageId ? {} : { providerMessageId: providerMessageId ?? null }), updatedAt: clock.now() });
        return 'applied' as const;
      });
    },
  };
}

export type WhatsappService = ReturnType<typeof makeWhatsappService>;
