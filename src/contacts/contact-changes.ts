import { CONSENT_COLUMNS } from './contacts.present.ts';
import type { Consents } from './contacts.schema.ts';
import type { ContactRow } from './contacts.tables.ts';

/** What an update changes, computed once so events, consents and the outbox agree. */

export function diffConsents(row: ContactRow, wanted: Partial<Consents> | undefined) {
  if (!wanted) return [];
  return (Object.keys(CONSENT_COLUMNS) as (keyof Consents)[])
    .filter((k) => wanted[k] !== undefined && wanted[k] !== row[CONSENT_COLUMNS[k]])
    .map((k) => ({ consent: k, value: wanted[k]! }));
}

export function mergeAttributes(row: ContactRow, values: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...((row as unknown as { customAttributes?: Record<string, unknown> }).customAttributes ?? {}) };
  for (const [k, v] of Object.entries(values)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

const TRACKED: (keyof ContactRow)[] = [
  'firstName', 'lastName', 'email', 'phone', 'whatsappUserId', 'company', 'additionalEmails', 'additionalPhones',
  'ownerId', 'externalRefId', 'externalRefUrl', 'consentTransactionalWhatsapp', 'consentTransactionalEmail',
  'consentMarketingWhatsapp', 'consentMarketingEmail',
];

export function changedFields(before: ContactRow, after: ContactRow): string[] {
  const out = TRACKED.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map(String);
  const ca = (r: ContactRow) => JSON.stringify((r as unknown as { customAttributes?: unknown }).customAttributes ?? {});
  if (ca(before) !== ca(after)) out.push('customAttributes');
  return out;
}
