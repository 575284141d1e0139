import { createHmac } from 'node:crypto';
import type { ContactsService } from '../contacts/contacts.service.ts';
import { constantTimeEqual, PermanentEventError, type Connection, type ProviderAdapter, type ProviderEvent } from '../integrations/integrations.service.ts';
import { findOrCreateLeadContact, recordLeadConsentsOnce } from '../integrations/lead-contact.ts';
import { systemActor } from '../lib/actor.ts';
import { AppError } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';

/**
 * Web forms on the team's own site as an integrations provider: a submission is checked and cut
 * into one event by `submission` (the public route calls it), and the job turns it into a
 * contact (source `web`) with its consents and their proof.
 */
type ConsentName = 'transactionalWhatsapp' | 'transactionalEmail' | 'marketingWhatsapp' | 'marketingEmail';
const CONSENTS: readonly ConsentName[] = ['transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail'];
const DEFAULT_TARGETS: Record<string, string> = { email: 'email', phone: 'phone', name: 'fullName', nombre: 'fullName', firstName: 'firstName', lastName: 'lastName', company: 'company', empresa: 'company' };
const YES = new Set(['on', 'true', 'yes', 'si', 'sí', '1']);
const TS_MAX_AGE_S = 24 * 3600;

export type Submission = { fields: Record<string, string>; page: string | null; ip: string; at: Date };
export type SubmissionPayload = {
  fields: Record<string, string>;
  consents: { consent: ConsentName; value: boolean; text: string | null }[];
  page: string | null;
  ip: string;
  submittedAt: string;
};

export const timestampToken = (key: string, unix: number) => `${unix}.${createHmac('sha256', key).update(String(unix)).digest('hex')}`;

/** The allowed origins of a form integration. */
export const originsOf = (c: Connection) => (c.settings.origins ?? '').split(/[\s,]+/).filter(Boolean).map((o) => o.toLowerCase());

/** Checks one submission against its integration; `[]` for a honeypot hit (success, nothing stored). */
export function submission(connection: Connection, s: Submission): ProviderEvent[] {
  const honeypot = connection.settings.honeypot ?? 'website';
  if ((s.fields[honeypot] ?? '').trim()) return [];
  const key = connection.secrets.timestampKey;
  if (key) {
    const ts = s.fields._ts ?? '';
    const unix = Number(ts.split('.')[0]);
    const age = Math.floor(s.at.getTime() / 1000) - unix;
    if (!/^\d{1,12}\.[0-9a-f]{64}$/.test(ts) || age < 0 || age > TS_MAX_AGE_S || !constantTimeEqual(timestampToken(key, unix), ts)) {
      throw new AppError('form_timestamp_invalid', 'The form is stale or was not rendered by the site; reload the page and send it again', { status: 403 });
    }
  }
  const fields: Record<string, string> = {};
  const consents: SubmissionPayload['consents'] = [];
  for (const [name, raw] of Object.entries(s.fields)) {
    const value = raw.trim().slice(0, 1000);
    if (name === honeypot || name.startsWith('_')) continue;
    if (name.startsWith('consent.')) {
      const consent = name.slice(8) as ConsentName;
      if (CONSENTS.includes(consent)) consents.push({ consent, value: YES.has(value.toLowerCase()), text: connection.settings[`consentText.${consent}`] ?? null });
      continue;
    }
    const target = connection.settings[`map.${name}`] ?? DEFAULT_TARGETS[name];
    if (target && target !== 'ignore' && value) fields[target] = value.slice(0, 300);
  }
  const payload: SubmissionPayload = { fields, consents, page: s.page, ip: s.ip, submittedAt: s.at.toISOString() };
  const id = /^[A-Za-z0-9_-]{8,100}$/.test(s.fields._submission_id ?? '') ? s.fields._submission_id! : uuidv7(s.at.getTime());
  if (!fields.email && !fields.phone) return [{ key: id, kind: 'submission', payload, failed: 'the form has no email or phone field filled' }];
  return [{ key: id, kind: 'submission', payload }];
}

export function makeWebFormsProvider(deps: { contacts: Pick<ContactsService, 'findByIdentifier' | 'create' | 'setConsent' | 'consentHistory'> }): ProviderAdapter {
  return {
    // Forms post to /v1/forms/{id}, never to the signed webhook URL.
    verify: () => false,
    split: () => [],
    async process(connection, event) {
      const p = event.payload as SubmissionPayload;
      if (event.kind !== 'submission' || !p?.fields) throw new PermanentEventError(`unknown event kind ${event.kind}`);
      const f = p.fields;
      if (f.fullName) {
        const [first, ...rest] = f.fullName.split(/\s+/);
        f.firstName ??= first!;
        if (rest.length) f.lastName ??= rest.join(' ');
      }
      const actor = systemActor(connection.workspaceId, connection.id);
      const input = { email: f.email, phone: f.phone, firstName: f.firstName, lastName: f.lastName, company: f.company, source: 'web' as const, sourceDetail: `form:${connection.id}` };
      const { contact, created } = await findOrCreateLeadContact(deps.contacts, actor, { email: f.email, phone: f.phone }, () => input);
      // A replay records no consent twice: the proof carries the submission id.
      const answers = p.consents.map((c) => ({
        consent: c.consent, value: c.value,
        proof: { provider: 'web_form', integrationId: connection.id, submissionId: event.eventKey, textShown: c.text, page: p.page, ip: p.ip, submittedAt: p.submittedAt },
      }));
      await recordLeadConsentsOnce(deps.contacts, actor, contact.id, answers, 'web_form', 'submissionId');
      return `${created ? 'created' : 'found'} contact ${contact.id}${p.consents.length ? `; ${p.consents.length} consent(s)` : ''}`;
    },
  };
}
