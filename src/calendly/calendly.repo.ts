import { and, eq } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { calendlyBookings, type CalendlyBookingRow } from './calendly.tables.ts';

const byKey = (workspaceId: string, integrationId: string, inviteeUri: string) =>
  and(eq(calendlyBookings.workspaceId, workspaceId), eq(calendlyBookings.integrationId, integrationId), eq(calendlyBookings.inviteeUri, inviteeUri));

export async function findBooking(db: Db, workspaceId: string, integrationId: string, inviteeUri: string): Promise<CalendlyBookingRow | undefined> {
  return (await db.select().from(calendlyBookings).where(byKey(workspaceId, integrationId, inviteeUri)).limit(1))[0];
}

/** False when another run recorded this invitee first. */
export async function insertBooking(db: Db, row: { workspaceId: string; integrationId: string; inviteeUri: string; meetingId: string; createdAt: Date }): Promise<boolean> {
  return (await db.insert(calendlyBookings).values(row).onConflictDoNothing().returning({ uri: calendlyBookings.inviteeUri })).length > 0;
}

/** Keeps a cancellation that came before its booking; false when the booking was recorded meanwhile. */
export async function insertEarlyCancel(db: Db, row: { workspaceId: string; integrationId: string; inviteeUri: string; at: Date }): Promise<boolean> {
  const values = { workspaceId: row.workspaceId, integrationId: row.integrationId, inviteeUri: row.inviteeUri, meetingId: null, createdAt: row.at, canceledAt: row.at };
  return (await db.insert(calendlyBookings).values(values).onConflictDoNothing().returning({ uri: calendlyBookings.inviteeUri })).length > 0;
}

export async function markCanceled(db: Db, workspaceId: string, integrationId: string, inviteeUri: string, at: Date): Promise<void> {
  await db.update(calendlyBookings).set({ canceledAt: at }).where(byKey(workspaceId, integrationId, inviteeUri));
}
