import type { Contact } from './contacts.schema.ts';
import type { ContactRow } from './contacts.tables.ts';

/** The API shape of a contact; never a raw row. */
export function presentContact(row: ContactRow): Contact {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    whatsappUserId: row.whatsappUserId,
    company: row.company,
    additionalEmails: row.additionalEmails,
    additionalPhones: row.additionalPhones,
    ownerId: row.ownerId,
    source: row.source as Contact['source'],
    sourceDetail: row.sourceDetail,
    externalRef: row.externalRefId ? { id: row.externalRefId, url: row.externalRefUrl } : null,
    crmLinks: row.crmLinks,
    consents: {
      transactionalWhatsapp: row.consentTransactionalWhatsapp,
      transactionalEmail: row.consentTransactionalEmail,
      marketingWhatsapp: row.consentMarketingWhatsapp,
      marketingEmail: row.consentMarketingEmail,
    },
    customAttributes: {},
    mergedIntoId: row.mergedIntoId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
    version: Number(row.version),
  };
}

/** Consent name → column, so consent changes are written and recorded through one table. */
export const CONSENT_COLUMNS = {
  transactionalWhatsapp: 'consentTransactionalWhatsapp',
  transactionalEmail: 'consentTransactionalEmail',
  marketingWhatsapp: 'consentMarketingWhatsapp',
  marketingEmail: 'consentMarketingEmail',
} as const;
