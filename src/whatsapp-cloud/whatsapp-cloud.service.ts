import type { WhatsappService } from '../communications/whatsapp.service.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { DocumentsService } from '../documents/documents.service.ts';
import { constantTimeEqual, PermanentEventError, verifyMetaSignature, type Connection, type IntegrationEventRow, type IntegrationsService, type ProviderAdapter } from '../integrations/integrations.service.ts';
import type { TemplateSyncResult } from '../integrations/integrations.schema.ts';
import { requireRole, systemActor, type Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { OutboundPolicy } from '../lib/outbound/safe-request.ts';
import type { Db } from '../lib/db.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { GraphError, graphClient, type OutboundContent } from './graph-client.ts';
import * as repo from './whatsapp-cloud.repo.ts';
import { makeInboundBatch } from './inbound-batch.ts';
import { inboundContent } from './whatsapp-message-content.ts';
import { splitWebhook, type MessageEvent, type StatusEvent } from './whatsapp-payload.ts';

export type WhatsappCloudDeps = {
  db: Db;
  clock: Clock;
  /** Undefined: no Graph API configured, every call refused (a test config that names no fake). */
  graphBaseUrl: string | undefined;
  /** The SSRF guard's settings for media downloads (URLs from Meta's answers). */
  outbound?: OutboundPolicy;
  integrations: Pick<IntegrationsService, 'connection' | 'connectionFor' | 'noteError'>;
  contacts: Pick<ContactsService, 'findByIdentifier' | 'create' | 'writeBatch'>;
  whatsapp: Pick<WhatsappService, 'create' | 'findIdByProviderId' | 'applyDeliveryStatus' | 'receiveMany' | 'recordedProviderIds'>;
  whatsappTemplates: TemplatesAccess;
  documents: Pick<DocumentsService, 'upload'>;
};

type TemplateCategory = 'marketing' | 'utility' | 'authentication';
/** The workspace's templates (communications/whatsapp-templates.ts, passed in by deps.ts). */
export type TemplatesAccess = {
  list(actor: Actor): Promise<{ id: string; name: string; language: string; category: TemplateCategory; body: string }[]>;
  create(actor: Actor, input: { name: string; language: string; category: TemplateCategory; body: string }): Promise<unknown>;
  update(actor: Actor, id: string, patch: { category?: TemplateCategory; body?: string }): Promise<unknown>;
};

/** The message the delivery job hands over (delivery.ts `OutboundWhatsapp`). */
export type OutboundMessage = {
  workspaceId: string;
  messageId: string;
  to: string;
  type: 'text' | 'template';
  text: string | null;
  template: { name: string; language: string | null; variables: string[] } | null;
};

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'application/pdf': 'pdf', 'text/plain': 'txt' };
const CATEGORIES = new Set(['marketing', 'utility', 'authentication']);
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const TEMPLATE_LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;

const errorText = (e: { code?: number; title?: string; message?: string; error_data?: { details?: string } } | undefined): string => {
  if (!e) return 'failed (no error given)';
  const details = e.error_data?.details ? `: ${e.error_data.details}` : '';
  return `${e.code !== undefined ? `(#${e.code}) ` : ''}${e.title ?? e.message ?? 'failed'}${details}`;
};

export function makeWhatsappCloudService(deps: WhatsappCloudDeps) {
  const { db, clock } = deps;

  const clientFor = (connection: Connection) => {
    const accessToken = connection.secrets.accessToken;
    if (!accessToken) throw new GraphError('the integration has no access token', 0, null, false);
    if (!deps.graphBaseUrl) throw new GraphError('no Graph API base URL is configured (WHATSAPP_GRAPH_BASE_URL)', 0, null, false);
    return graphClient({ baseUrl: deps.graphBaseUrl, accessToken, policy: deps.outbound });
  };

  /** The contact who wrote: by phone (E.164), then by WhatsApp user id; created (source whatsapp) if new. */
  async function contactFor(actor: Actor, connection: Connection, ev: MessageEvent): Promise<string> {
    const waId = ev.message.from ?? ev.contact?.wa_id;
    const userId = ev.message.from_user_id ?? ev.contact?.user_id;
    const phone = waId && /^\d{6,15}$/.test(waId) ? `+${waId}` : undefined;
    const find = async () => {
      if (phone) {
        const c = await deps.contacts.findByIdentifier(actor, 'phone', phone);
        if (c) return c.id;
      }
      if (userId) {
        const c = await deps.contacts.findByIdentifier(actor, 'whatsapp', userId);
        if (c) return c.id;
      }
      return undefined;
    };
    const existing = await find();
    if (existing) return existing;
    if (!phone && !userId) throw new PermanentEventError('the message names no sender (no from, wa_id or user id)');
    const name = ev.contact?.profile?.name?.trim().slice(0, 100);
    const input = { phone, whatsappUserId: userId, source: 'whatsapp' as const, sourceDetail: `whatsapp:${connection.settings.phoneNumberId ?? connection.id}` };
    try {
      return (await deps.contacts.create(actor, { ...input, ...(name ? { firstName: name } : {}) })).id;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Another event created them meanwhile; or the display name did not pass: try once without it.
      const raced = await find();
      if (raced) return raced;
      if (name && err.code === 'validation_failed') return (await deps.contacts.create(actor, input)).id;
      throw err;
    }
  }

  async function storeMedia(actor: Actor, connection: Connection, contactId: string, media: { id: string; mimeType: string | null; fileName: string | null }): Promise<{ url: string | null; note: string | null }> {
    let file;
    try {
      file = await clientFor(connection).downloadMedia(media.id);
    } catch (err) {
      if (err instanceof GraphError && err.retryable) throw err;
      return { url: null, note: `media ${media.id} not downloaded: ${(err as Error).message}` };
    }
    const mimeType = (media.mimeType ?? file.mimeType).split(';')[0]!.trim();
    const fileName = media.fileName ?? `whatsapp-${media.id}.${EXTENSIONS[mimeType] ?? 'bin'}`;
    try {
      const doc = await deps.documents.upload(actor, contactId, { fileName, declaredType: mimeType, content: file.content });
      return { url: `/v1/documents/${doc.id}/content`, note: null };
    } catch (err) {
      if (err instanceof AppError) return { url: null, note: `media ${media.id} not stored as a document: ${err.message}` };
      throw err;
    }
  }

  async function processMessage(connection: Connection, ev: MessageEvent): Promise<string> {
    const actor = systemActor(connection.workspaceId, connection.id);
    const m = ev.message;
    if (await deps.whatsapp.findIdByProviderId(actor, m.id)) return 'already recorded (duplicate delivery)';
    let content;
    try {
      content = inboundContent(m);
    } catch (err) {
      throw new PermanentEventError((err as Error).message);
    }
    if (!content.record) return content.why;
    const contactId = await contactFor(actor, connection, ev);
    let mediaUrl: string | null = null;
    let note: string | null = null;
    if (content.media) ({ url: mediaUrl, note } = await storeMedia(actor, connection, contactId, content.media));
    const type = content.type === 'media' && !mediaUrl ? 'text' : content.type;
    const body = content.body ?? (type === 'text' ? `(${m.type}${note ? ', not stored' : ''})` : null);
    try {
      const recorded = await deps.whatsapp.create(actor, contactId, { direction: 'inbound', type, body, mediaUrl, providerMessageId: m.id, sentAt: new Date(Number(m.timestamp) * 1000).toISOString() });
      return [`recorded ${m.type} message ${recorded.id} of contact ${contactId}`, note].filter(Boolean).join('; ');
    } catch (err) {
      if (err instanceof AppError && err.code === 'whatsapp_message_duplicate') return 'already recorded (duplicate delivery)';
      throw err;
    }
  }

  async function processStatus(connection: Connection, ev: StatusEvent): Promise<string> {
    const actor = systemActor(connection.workspaceId, connection.id);
    const s = ev.status;
    const status = s.status === 'played' ? 'read' : s.status;
    if (status !== 'sent' && status !== 'delivered' && status !== 'read' && status !== 'failed') return `status ${s.status} ignored`;
    const messageId = (await repo.findSendByWamid(db, connection.workspaceId, s.id))?.messageId ?? (await deps.whatsapp.findIdByProviderId(actor, s.id))?.id;
    if (!messageId) return `no message sent from Vixiees has id ${s.id}; ignored`;
    const outcome = await deps.whatsapp.applyDeliveryStatus(actor, messageId, status, s.id);
    if (outcome === 'missing') return `message ${messageId} is gone; ignored`;
    if (status !== 'failed') return `${status}: ${outcome === 'applied' ? 'applied' : 'not newer than the current status, kept'}`;
    const error = s.errors?.[0];
    const text = errorText(error);
    if (outcome === 'applied') await repo.recordStatusError(db, connection.workspaceId, messageId, error?.code ?? null, text, clock.now());
    const window = error?.code === 131047 || error?.code === 470 ? ' — the 24-hour window had closed: send an approved template' : '';
    return `failed ${text}${window}`;
  }

  /** The Cloud API as an integrations provider (wired in deps.ts). */
  const provider: ProviderAdapter = {
    verify: (connection, rawBody, headers) =>
      verifyMetaSignature([connection.secrets.appSecret ?? '', connection.secrets.appSecretPrevious ?? ''].filter(Boolean), rawBody, headers['x-hub-signature-256']),
    handshake(connection, query) {
      const mode = query['hub.mode'];
      const token = query['hub.verify_token'];
      const challenge = query['hub.challenge'];
      if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || challenge.length === 0 || challenge.length > 256) return undefined;
      return constantTimeEqual(token, connection.settings.verifyToken ?? '') ? challenge : undefined;
    },
    split: splitWebhook,
    async process(connection, event: IntegrationEventRow) {
      const payload = event.payload as (MessageEvent | StatusEvent) & { phoneNumberId?: string | null };
      if (event.kind === 'ignored') return `field ${(event.payload as { field?: string }).field ?? '?'} is not handled; ignored`;
      if (payload.phoneNumberId && connection.settings.phoneNumberId && payload.phoneNumberId !== connection.settings.phoneNumberId) {
        throw new PermanentEventError(`for phone number ${payload.phoneNumberId}, not this integration's ${connection.settings.phoneNumberId}`);
      }
      if (event.kind === 'message') return processMessage(connection, payload as MessageEvent);
      if (event.kind === 'status') return processStatus(connection, payload as StatusEvent);
      throw new PermanentEventError(`unknown event kind ${event.kind}`);
    },
    // Text and other media-less messages set-based; the rest goes through `process` above.
    processBatch: makeInboundBatch({ db, clock, contacts: deps.contacts, whatsapp: deps.whatsapp }),
  };

  return {
    provider,

    /**
     * Sends through the workspace's WhatsApp integration, or answers undefined when it has none
     * (the recording adapter then takes the message). A message already accepted by Meta (a job
     * retried after a crash) is not sent again. 429 / 5xx / network errors throw for the queue to
     * retry with back-off; other provider errors are permanent (the message fails at once).
     */
    async send(m: OutboundMessage): Promise<{ providerMessageId: string } | undefined> {
      const connection = await deps.integrations.connectionFor(m.workspaceId, 'whatsapp');
      if (!connection) return undefined;
      const prior = await repo.findSend(db, m.workspaceId, m.messageId);
      if (prior?.wamid) return { providerMessageId: prior.wamid };
      const content: OutboundContent =
        m.type === 'template' && m.template
          ? { type: 'template', name: m.template.name, language: m.template.language ?? 'en_US', bodyParameters: m.template.variables }
          : { type: 'text', body: m.text ?? '' };
      try {
        const wamid = await clientFor(connection).sendMessage(connection.settings.phoneNumberId ?? '', m.to.replace(/^\+/, ''), content, m.messageId);
        await repo.recordAttempt(db, { workspaceId: m.workspaceId, messageId: m.messageId, integrationId: connection.id, wamid, at: clock.now() });
        await deps.integrations.noteError(m.workspaceId, connection.id, null);
        return { providerMessageId: wamid };
      } catch (err) {
        const code = err instanceof GraphError ? err.code : null;
        const message = (err as Error).message;
        await repo.recordAttempt(db, { workspaceId: m.workspaceId, messageId: m.messageId, integrationId: connection.id, errorCode: code, errorMessage: message, at: clock.now() });
        await deps.integrations.noteError(m.workspaceId, connection.id, `send failed: ${message}`);
        throw err;
      }
    },

    /** What Meta last answered for a message we sent (wamid, attempts, error). */
    async sendState(actor: Actor, messageId: string) {
      return repo.findSend(db, actor.workspaceId, messageId);
    },

    /**
     * Reads the WhatsApp Business account's templates into ours (admin): approved ones are
     * created or brought up to date by name and language; others are listed as skipped.
     */
    async syncTemplates(actor: Actor, integrationId: string): Promise<TemplateSyncResult> {
      requireRole(actor, 'admin');
      const connection = await deps.integrations.connection(actor.workspaceId, integrationId);
      if (!connection || connection.provider !== 'whatsapp') throw notFound('Integration', integrationId);
      if (!deps.graphBaseUrl) throw new AppError('integration_not_configured', 'No Graph API base URL is configured on this server (WHATSAPP_GRAPH_BASE_URL)', { status: 409 });
      let remote;
      try {
        remote = await clientFor(connection).listTemplates(connection.settings.wabaId ?? '');
      } catch (err) {
        const message = (err as Error).message;
        await deps.integrations.noteError(actor.workspaceId, integrationId, `template sync failed: ${message}`);
        throw new AppError('provider_error', `The WhatsApp Business account's templates could not be read: ${message}`, { status: 502 });
      }
      const ours = await deps.whatsappTemplates.list(actor);
      const result: TemplateSyncResult = { fetched: remote.length, created: 0, updated: 0, skipped: [] };
      for (const t of remote) {
        const skip = (reason: string) => result.skipped.push({ name: String(t.name), language: String(t.language), reason });
        const category = String(t.category ?? '').toLowerCase();
        const body = t.components?.find((c) => String(c.type).toUpperCase() === 'BODY')?.text;
        if (String(t.status).toUpperCase() !== 'APPROVED') skip(`status ${t.status}`);
        else if (!TEMPLATE_NAME.test(String(t.name)) || !TEMPLATE_LANGUAGE.test(String(t.language))) skip('name or language not usable');
        else if (!CATEGORIES.has(category)) skip(`category ${t.category}`);
        else if (!body) skip('no body text');
        else {
          const cat = category as 'marketing' | 'utility' | 'authentication';
          const existing = ours.find((o) => o.name === t.name && o.language === t.language);
          if (!existing) {
            await deps.whatsappTemplates.create(actor, { name: t.name, language: t.language, category: cat, body: body.slice(0, 1024) });
            result.created++;
          } else if (existing.category !== cat || existing.body !== body.slice(0, 1024)) {
            await deps.whatsappTemplates.update(actor, existing.id, { category: cat, body: body.slice(0, 1024) });
            result.updated++;
          }
        }
      }
      await deps.integrations.noteError(actor.workspaceId, integrationId, null);
      return result;
    },
  };
}

export type WhatsappCloudService = ReturnType<typeof makeWhatsappCloudService>;
