import type { NewContactRow } from './batch.repo.ts';
import type { ContactCreate, Consents } from './contacts.schema.ts';
import { normaliseName } from './identifiers.ts';
import type { IdentityFields } from './identity.ts';

/**
 * The row of a new contact, as the single create and the batch writer insert it: names and company
 * tidied, identifiers as identity resolved them, the starting consents and attribute values.
 */
export function newContactRow(p: {
  id: string;
  input: ContactCreate;
  fields: IdentityFields;
  source: string;
  sourceDetail: string | null;
  consents: Consents;
  attributes: Record<string, unknown>;
  at: string;
}): NewContactRow {
  const { input, fields, consents } = p;
  return {
    id: p.id,
    first_name: normaliseName(input.firstName ?? ''),
    last_name: normaliseName(input.lastName ?? ''),
    email: fields.email,
    phone: fields.phone,
    whatsapp_user_id: fields.whatsappUserId,
    company: input.company?.trim() || null,
    additional_emails: fields.additionalEmails,
    additional_phones: fields.additionalPhones,
    owner_id: input.ownerId ?? null,
    source: p.source,
    source_detail: p.sourceDetail,
    external_ref_id: input.externalRef?.id ?? null,
    external_ref_url: input.externalRef?.url ?? null,
    consent_transactional_whatsapp: consents.transactionalWhatsapp,
    consent_transactional_email: consents.transactionalEmail,
    consent_marketing_whatsapp: consents.marketingWhatsapp,
    consent_marketing_email: consents.marketingEmail,
    custom_attributes: p.attributes,
    created_at: p.at,
    updated_at: p.at,
  };
}
