import { presentAttention, whatsappWindow } from './attention-state.ts';
import type { Contact } from './contacts.schema.ts';
import type { ContactRow } from './contacts.tables.ts';

/**
 * What the row alone lacks: the time (time in stage) and the names of stages, which the contacts
 * service loads once for a whole page. Without them a stage shows an empty name and 0 seconds.
 */
export type PresentContext = { now?: Date; stageNames?: ReadonlyMap<string, string> };

/** The API shape of a contact; never a raw row. */
export function presentContact(row: ContactRow, ctx: PresentContext = {}): Contact {
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
    customAttributes: row.customAttributes ?? {},
    stage: presentStage(row, ctx),
    pendingAttention: presentAttention(row),
    ignored: Boolean(row.ignoredAt),
    // Without the service's clock (merge, bulk paths) the window falls back to the system time.
    whatsappWindow: whatsappWindow(row.lastInboundWhatsappAt, ctx.now ?? new Date()),
    mergedIntoId: row.mergedIntoId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
    version: Number(row.version),
  };
}

function presentStage(row: ContactRow, ctx: PresentContext): Contact['stage'] {
  if (!row.stageId || !row.playbookId || !row.stageEnteredAt) return null;
  const entered = row.stageEnteredAt.getTime();
  return {
    playbookId: row.playbookId,
    id: row.stageId,
    name: ctx.stageNames?.get(row.stageId) ?? '',
    enteredAt: row.stageEnteredAt.toISOString(),
    secondsInStage: ctx.now ? Math.max(0, Math.floor((ctx.now.getTime() - entered) / 1000)) : 0,
  };
}

/** Consent name → column, so consent changes are written and recorded through one table. */
export const CONSENT_COLUMNS = {
  transactionalWhatsapp: 'consentTransactionalWhatsapp',
  transactionalEmail: 'consentTransactionalEmail',
  marketingWhatsapp: 'consentMarketingWhatsapp',
  marketingEmail: 'consentMarketingEmail',
} as const;
