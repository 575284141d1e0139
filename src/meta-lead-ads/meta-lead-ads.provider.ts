import { createHash } from 'node:crypto';
import type { ContactsService } from '../contacts/contacts.service.ts';
import { normaliseEmail, normalisePhone } from '../contacts/identifiers.ts';
import { constantTimeEqual, PermanentEventError, verifyMetaSignature, type Connection, type IntegrationEventRow, type ProviderAdapter, type ProviderEvent } from '../integrations/integrations.service.ts';
import { findOrCreateLeadContact, recordLeadConsentsOnce } from '../integrations/lead-contact.ts';
import { systemActor } from '../lib/actor.ts';
import type { OutboundPolicy } from '../lib/outbound/safe-request.ts';
import { mapLead } from './lead-fields.ts';
import { LeadGraphError, leadGraphClient, type GraphLead } from './lead-graph-client.ts';

/**
 * Meta (Facebook / Instagram) lead ads as an integrations provider (integrations.md §2): the
 * `leadgen` webhook carries only ids, signed like every Meta webhook (`X-Hub-Signature-256`,
 * GET handshake); the job reads the lead from the Graph API and finds or creates its contact
 * (source `meta_ads`), recording the form's consent checkboxes as consents with their proof.
 */
export type MetaLeadAdsDeps = {
  contacts: Pick<ContactsService, 'findByIdentifier' | 'create' | 'setConsent' | 'consentHistory'>;
  graphBaseUrl: string;
  outbound: OutboundPolicy;
  defaultCountry: (workspaceId: string) => Promise<string>;
  retryBaseMs?: number;
};

type LeadgenValue = { leadgen_id?: unknown; page_id?: unknown; form_id?: unknown; ad_id?: unknown; created_time?: unknown };

/** Cuts a verified delivery into one event per lead (Meta batches entries and changes), keyed by `leadgen_id`. */
export function splitLeadgen(raw: Buffer): ProviderEvent[] {
  const digest = createHash('sha256').update(raw).digest('hex').slice(0, 32);
  const malformed = (reason: string, payload: unknown = { body: raw.toString('utf8').slice(0, 2000) }, n = 0): ProviderEvent => ({ key: `malformed:${digest}:${n}`, kind: 'malformed', payload, failed: reason });
  let body: { object?: unknown; entry?: unknown };
  try {
    body = JSON.parse(raw.toString('utf8')) as typeof body;
  } catch {
    return [malformed('the body is not JSON')];
  }
  if (!body || typeof body !== 'object' || !Array.isArray(body.entry)) return [malformed('entry is missing')];
  if (body.object !== 'page') return [malformed(`object is ${String(body.object).slice(0, 40)}, not page`)];
  const events: ProviderEvent[] = [];
  let n = 0;
  for (const entry of body.entry as { id?: unknown; changes?: unknown }[]) {
    for (const change of Array.isArray(entry?.changes) ? (entry.changes as { field?: unknown; value?: LeadgenValue }[]) : []) {
      n++;
      if (change?.field !== 'leadgen') {
        events.push({ key: `ignored:${digest}:${n}`, kind: 'ignored', payload: change ?? null });
        continue;
      }
      const id = change.value?.leadgen_id;
      const leadgenId = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
      if (!/^\d{1,32}$/.test(leadgenId)) events.push(malformed('a leadgen change without a numeric leadgen_id', change, n));
      else events.push({ key: leadgenId, kind: 'leadgen', payload: { ...change.value, leadgen_id: leadgenId, entryId: typeof entry.id === 'string' ? entry.id : null } });
    }
  }
  return events.length ? events : [malformed('no changes in the delivery')];
}

export function makeMetaLeadAdsProvider(deps: MetaLeadAdsDeps): ProviderAdapter {
  async function fetchLead(connection: Connection, leadgenId: string): Promise<GraphLead> {
    const client = leadGraphClient({ baseUrl: deps.graphBaseUrl, accessToken: connection.secrets.pageAccessToken ?? '', policy: deps.outbound, retryBaseMs: deps.retryBaseMs });
    try {
      return await client.lead(leadgenId);
    } catch (err) {
      if (!(err instanceof LeadGraphError) || err.retryable) throw err;
      if (err.missing) throw new PermanentEventError(`lead ${leadgenId} does not exist, or the page token may not read it (${err.message})`);
      throw new PermanentEventError(err.message);
    }
  }

  async function processLead(connection: Connection, event: IntegrationEventRow): Promise<string> {
    const value = event.payload as LeadgenValue & { leadgen_id: string };
    if (connection.settings.pageId && String(value.page_id ?? '') !== connection.settings.pageId) {
      throw new PermanentEventError(`the lead is for page ${String(value.page_id).slice(0, 40)}, not this integration's ${connection.settings.pageId}`);
    }
    const lead = await fetchLead(connection, value.leadgen_id);
    const { fields, consents } = mapLead(lead, connection.settings);
    const actor = systemActor(connection.workspaceId, connection.id);
    const email = fields.email ? normaliseEmail(fields.email) : undefined;
    const phone = fields.phone ? normalisePhone(fields.phone, await deps.defaultCountry(connection.workspaceId)) : undefined;
    const emailValue = email?.ok ? email.value : undefined;
    const phoneValue = phone?.ok ? phone.value : undefined;
    if (!emailValue && !phoneValue) throw new PermanentEventError('the lead has no valid email or phone to identify the contact');

    const { contact, created } = await findOrCreateLeadContact(deps.contacts, actor, { email: emailValue, phone: phoneValue }, () => {
      const formId = lead.form_id ?? (typeof value.form_id === 'string' ? value.form_id : undefined);
      const detail = [formId && `form:${formId}`, lead.ad_id && `ad:${lead.ad_id}`, lead.campaign_name && `campaign:${lead.campaign_name}`].filter(Boolean).join(' ').slice(0, 300);
      return { email: emailValue, phone: phoneValue, firstName: fields.firstName, lastName: fields.lastName, company: fields.company, source: 'meta_ads', sourceDetail: detail || `lead:${lead.id}` };
    });
    // A replay records no consent twice: the proof carries the lead id.
    const answers = consents.map((c) => ({
      consent: c.consent, value: c.value,
      proof: { provider: 'meta_lead_ads', leadgenId: lead.id, formId: lead.form_id ?? null, adId: lead.ad_id ?? null, platform: lead.platform ?? null, createdTime: lead.created_time ?? null, checkboxKey: c.checkboxKey },
    }));
    const recorded = await recordLeadConsentsOnce(deps.contacts, actor, contact.id, answers, 'meta_ads', 'leadgenId');
    return `${created ? 'created' : 'found'} contact ${contact.id}${recorded ? `; ${recorded} consent(s) recorded` : ''}`;
  }

  return {
    handshake(connection, query) {
      const token = query['hub.verify_token'];
      const challenge = query['hub.challenge'];
      const expected = connection.settings.verifyToken ?? '';
      if (query['hub.mode'] !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || !expected) return undefined;
      return constantTimeEqual(token, expected) ? challenge : undefined;
    },
    verify: (connection, raw, headers) => verifyMetaSignature([connection.secrets.appSecret ?? '', connection.secrets.appSecretPrevious ?? ''], raw, headers['x-hub-signature-256']),
    split: splitLeadgen,
    async process(connection, event) {
      if (event.kind === 'leadgen') return processLead(connection, event);
      if (event.kind === 'ignored') return 'not a leadgen change; ignored';
      throw new PermanentEventError(`unknown event kind ${event.kind}`);
    },
  };
}
