import { and, eq } from 'drizzle-orm';
import { elementRepo } from '../lib/contact-element/element-repo.ts';
import type { Db } from '../lib/db.ts';
import { calls, emails, whatsappMessages, whatsappTemplates, type WhatsappTemplateRow } from './communications.tables.ts';

/** Communications are listed by when they happened (a call's start, a message's send time), not when recorded. */
export const callsRepo = elementRepo(calls, calls.startedAt);
export const emailsRepo = elementRepo(emails, emails.sentAt);
export const whatsappRepo = elementRepo(whatsappMessages, whatsappMessages.sentAt);

/** The workspace's templates of this name (one per language). */
export async function findTemplatesByName(db: Db, workspaceId: string, name: string): Promise<WhatsappTemplateRow[]> {
  return db
    .select()
    .from(whatsappTemplates)
    .where(and(eq(whatsappTemplates.workspaceId, workspaceId), eq(whatsappTemplates.name, name)))
    .orderBy(whatsappTemplates.language);
}
