import { createHash } from 'node:crypto';
import type { ContactsService } from '../contacts/contacts.service.ts';
import { PermanentEventError, verifyTypeformSignature, type Connection, type IntegrationEventRow, type ProviderAdapter, type ProviderEvent } from '../integrations/integrations.service.ts';
import { findOrCreateLeadContact, recordLeadConsentsOnce } from '../integrations/lead-contact.ts';
import { systemActor } from '../lib/actor.ts';

/**
 * Typeform `form_response` webhooks as an integrations provider: each completed response
 * finds or creates its contact (source `typeform`, detail `form:<form_id>`) and records the
 * consent answers with their proof. Wire format: shared docs integrations.md §3.
 */
export type TypeformDeps = { contacts: Pick<ContactsService, 'findByIdentifier' | 'create' | 'setConsent' | 'consentHistory'> };

type Answer = { type?: string; field?: { id?: string; type?: string; ref?: string }; [value: string]: unknown };
type FieldDef = { id?: string; ref?: string; type?: string; title?: string };
type FormResponse = { form_id?: unknown; token?: unknown; submitted_at?: unknown; answers?: unknown; definition?: { fields?: FieldDef[] } };
type ConsentName = 'transactionalWhatsapp' | 'transactionalEmail' | 'marketingWhatsapp' | 'marketingEmail';

const NAME_RE = /(^|[^a-z])(name|nombre|full_?name|nom)([^a-z]|$)/i;
const COMPANY_RE = /company|empresa|compa[nñ]ia|organi[sz]ation/i;

const malformed = (raw: Buffer, reason: string): ProviderEvent[] => [
  { key: `malformed:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`, kind: 'malformed', payload: { body: raw.toString('utf8').slice(0, 2000) }, failed: reason },
];

/** Cuts a verified delivery into its one event, keyed by Typeform's `event_id`. */
export function splitTypeform(raw: Buffer): ProviderEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return malformed(raw, 'the body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return malformed(raw, 'the body is not a JSON object');
  const b = body as { event_id?: unknown; event_type?: unknown; form_response?: unknown };
  if (typeof b.event_id !== 'string' || !b.event_id || b.event_id.length > 200) return malformed(raw, 'event_id is missing');
  const kind = b.event_type === 'form_response' ? 'form_response' : 'ignored';
  if (kind === 'form_response' && (!b.form_response || typeof b.form_response !== 'object')) {
    return [{ key: b.event_id, kind, payload: body, failed: 'form_response is missing' }];
  }
  return [{ key: b.event_id, kind, payload: body }];
}

/** The target of one answer: the mapping in the settings, else a default by the question's type and name. */
function targetOf(settings: Record<string, string>, answer: Answer, def: FieldDef | undefined): string | undefined {
  const ref = answer.field?.ref ?? def?.ref;
  if (ref && settings[`map.${ref}`]) return settings[`map.${ref}`];
  const type = answer.field?.type ?? def?.type;
  const label = `${ref ?? ''} ${def?.title ?? ''}`;
  if (type === 'email' || answer.type === 'email') return 'email';
  if (type === 'phone_number' || answer.type === 'phone_number') return 'phone';
  if (type === 'short_text' && NAME_RE.test(label)) return 'fullName';
  if (type === 'short_text' && COMPANY_RE.test(label)) return 'company';
  if (type === 'legal') return 'consent:marketingEmail';
  return undefined;
}

function valueOf(answer: Answer): string | boolean | undefined {
  const v = answer.type ? answer[answer.type] : undefined;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && typeof (v as { label?: unknown }).label === 'string') return (v as { label: string }).label;
  return undefined;
}

export function makeTypeformProvider(deps: TypeformDeps): ProviderAdapter {
  async function processResponse(connection: Connection, event: IntegrationEventRow): Promise<string> {
    const fr = (event.payload as { form_response?: FormResponse }).form_response ?? {};
    if (typeof fr.form_id !== 'string' || !fr.form_id) throw new PermanentEventError('form_response.form_id is missing');
    if (!Array.isArray(fr.answers)) throw new PermanentEventError('form_response.answers is not a list');
    const token = typeof fr.token === 'string' ? fr.token : event.eventKey;
    const defs = new Map((fr.definition?.fields ?? []).filter((f) => f && typeof f === 'object').map((f) => [f.id ?? f.ref, f]));
    const fields: Record<string, string> = {};
    const consents: { consent: ConsentName; value: boolean; question: string | null }[] = [];
    for (const a of fr.answers as Answer[]) {
      if (!a || typeof a !== 'object') continue;
      const def = defs.get(a.field?.id ?? a.field?.ref);
      const target = targetOf(connection.settings, a, def);
      const value = valueOf(a);
      if (!target || target === 'ignore' || value === undefined) continue;
      if (target.startsWith('consent:')) {
        if (typeof value === 'boolean') consents.push({ consent: target.slice(8) as ConsentName, value, question: def?.title ?? a.field?.ref ?? null });
      } else if (typeof value === 'string' && value.trim()) fields[target] = value.trim().slice(0, 300);
    }
    if (fields.fullName) {
      const [first, ...rest] = fields.fullName.split(/\s+/);
      fields.firstName ??= first!;
      if (rest.length) fields.lastName ??= rest.join(' ');
    }
    if (!fields.email && !fields.phone) throw new PermanentEventError('the response has no email or phone answer to identify the contact');

    const actor = systemActor(connection.workspaceId, connection.id);
    const input = { email: fields.email, phone: fields.phone, firstName: fields.firstName, lastName: fields.lastName, company: fields.company, source: 'typeform' as const, sourceDetail: `form:${fr.form_id.slice(0, 200)}` };
    const { contact, created } = await findOrCreateLeadContact(deps.contacts, actor, { email: fields.email, phone: fields.phone }, () => input);
    // A replay records no consent twice: the proof carries the response token.
    const answers = consents.map((c) => ({
      consent: c.consent, value: c.value,
      proof: { provider: 'typeform', formId: fr.form_id, responseToken: token, submittedAt: typeof fr.submitted_at === 'string' ? fr.submitted_at : null, question: c.question, eventId: event.eventKey },
    }));
    const recorded = await recordLeadConsentsOnce(deps.contacts, actor, contact.id, answers, 'typeform', 'responseToken');
    return `${created ? 'created' : 'found'} contact ${contact.id}${recorded ? `; ${recorded} consent(s) recorded` : ''}`;
  }

  return {
    verify: (connection, raw, headers) => verifyTypeformSignature([connection.secrets.secret ?? '', connection.secrets.secretPrevious ?? ''], raw, headers['typeform-signature']),
    split: splitTypeform,
    async process(connection, event) {
      if (event.kind === 'ignored') return `event type ${String((event.payload as { event_type?: unknown }).event_type)} is not handled; ignored`;
      if (event.kind === 'form_response') return processResponse(connection, event);
      throw new PermanentEventError(`unknown event kind ${event.kind}`);
    },
  };
}
