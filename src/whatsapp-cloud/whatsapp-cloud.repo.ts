import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { whatsappCloudSends, type WhatsappCloudSendRow } from './whatsapp-cloud.tables.ts';

export async function findSend(db: Db, workspaceId: string, messageId: string): Promise<WhatsappCloudSendRow | undefined> {
  return (await db.select().from(whatsappCloudSends).where(and(eq(whatsappCloudSends.workspaceId, workspaceId), eq(whatsappCloudSends.messageId, messageId))).limit(1))[0];
}

export async function findSendByWamid(db: Db, workspaceId: string, wamid: string): Promise<WhatsappCloudSendRow | undefined> {
  return (await db.select().from(whatsappCloudSends).where(and(eq(whatsappCloudSends.workspaceId, workspaceId), eq(whatsappCloudSends.wamid, wamid))).limit(1))[0];
}

/** One attempt's outcome: the wamid, or the provider's error (attempts counted). */
export async function recordAttempt(db: Db, row: { workspaceId: string; messageId: string; integrationId: string; wamid?: string | null; errorCode?: number | null; errorMessage?: string | null; at: Date }): Promise<void> {
  const values = { workspaceId: row.workspaceId, messageId: row.messageId, integrationId: row.integrationId, wamid: row.wamid ?? null, attempts: 1, errorCode: row.errorCode ?? null, errorMessage: row.errorMessage?.slice(0, 1000) ?? null, updatedAt: row.at };
  await db
    .insert(whatsappCloudSends)
    .values(values)
    .onConflictDoUpdate({
      target: [whatsappCloudSends.workspaceId, whatsappCloudSends.messageId],
      set: { wamid: sql`coalesce(excluded.wamid, ${whatsappCloudSends.wamid})`, attempts: sql`${whatsappCloudSends.attempts} + 1`, errorCode: values.errorCode, errorMessage: values.errorMessage, updatedAt: row.at },
    });
}

/** An asynchronous failure reported by a status webhook. */
export async function recordStatusError(db: Db, workspaceId: string, messageId: string, code: number | null, message: string, at: Date): Promise<void> {
  await db
    .update(whatsappCloudSends)
    .set({ errorCode: code, errorMessage: message.slice(0, 1000), updatedAt: at })
    .where(and(eq(whatsappCloudSends.workspaceId, workspaceId), eq(whatsappCloudSends.messageId, messageId)));
}
