import { and, eq, gt, isNull, ne, or } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { userInvites, userPasswords, userSessions } from './sessions.tables.ts';

export type SessionRow = typeof userSessions.$inferSelect;
export type InviteRow = typeof userInvites.$inferSelect;

/** The accounts with a password for this email, in every workspace (system path: before any workspace is known). */
export const passwordsByEmail = (systemDb: Db, email: string) =>
  systemDb.select().from(userPasswords).where(eq(userPasswords.loginEmail, email)).limit(20);

export async function upsertPassword(db: Db, row: typeof userPasswords.$inferInsert): Promise<void> {
  await db
    .insert(userPasswords)
    .values(row)
    .onConflictDoUpdate({ target: [userPasswords.workspaceId, userPasswords.userId], set: { passwordHash: row.passwordHash, loginEmail: row.loginEmail, updatedAt: row.updatedAt } });
}

export async function passwordOf(db: Db, workspaceId: string, userId: string) {
  const [row] = await db.select().from(userPasswords).where(and(eq(userPasswords.workspaceId, workspaceId), eq(userPasswords.userId, userId)));
  return row;
}

export async function insertSession(db: Db, row: typeof userSessions.$inferInsert): Promise<void> {
  await db.insert(userSessions).values(row);
}

/** The session whose current cookie hashes to `hash`, or whose previous one does and was replaced after `graceSince`. */
export async function sessionByToken(systemDb: Db, hash: string, graceSince: Date): Promise<{ row: SessionRow; current: boolean } | undefined> {
  const rows = await systemDb
    .select()
    .from(userSessions)
    .where(or(eq(userSessions.tokenHash, hash), and(eq(userSessions.previousTokenHash, hash), gt(userSessions.rotatedAt, graceSince))))
    .limit(1);
  const row = rows[0];
  return row ? { row, current: row.tokenHash === hash } : undefined;
}

/**
 * Replaces the cookie's hash unless another request rotated it first (then false). A periodic
 * rotation keeps the previous hash for the grace period; after a privilege change (`graceful`
 * false) the old cookie dies at once.
 */
export async function rotateSession(systemDb: Db, row: SessionRow, newHash: string, now: Date, graceful = true): Promise<boolean> {
  const updated = await systemDb
    .update(userSessions)
    .set({ tokenHash: newHash, previousTokenHash: graceful ? row.tokenHash : null, rotatedAt: now, lastSeenAt: now })
    .where(and(eq(userSessions.workspaceId, row.workspaceId), eq(userSessions.id, row.id), eq(userSessions.tokenHash, row.tokenHash), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id });
  return updated.length === 1;
}

export async function touchSession(systemDb: Db, row: SessionRow, now: Date): Promise<void> {
  await systemDb.update(userSessions).set({ lastSeenAt: now }).where(and(eq(userSessions.workspaceId, row.workspaceId), eq(userSessions.id, row.id)));
}

export async function revokeSession(db: Db, workspaceId: string, id: string, now: Date): Promise<void> {
  await db.update(userSessions).set({ revokedAt: now }).where(and(eq(userSessions.workspaceId, workspaceId), eq(userSessions.id, id), isNull(userSessions.revokedAt)));
}

/** Revokes every open session of a user, but `keep` if given; the number revoked. */
export async function revokeUserSessions(db: Db, workspaceId: string, userId: string, now: Date, keep?: string): Promise<number> {
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.workspaceId, workspaceId), eq(userSessions.userId, userId), isNull(userSessions.revokedAt), keep ? ne(userSessions.id, keep) : undefined))
    .returning({ id: userSessions.id });
  return rows.length;
}

/** Voids a user's unused invites (the user was removed from the workspace); the number voided. */
export async function voidUserInvites(db: Db, workspaceId: string, userId: string, now: Date): Promise<number> {
  const rows = await db
    .update(userInvites)
    .set({ usedAt: now })
    .where(and(eq(userInvites.workspaceId, workspaceId), eq(userInvites.userId, userId), isNull(userInvites.usedAt)))
    .returning({ id: userInvites.id });
  return rows.length;
}

export async function insertInvite(db: Db, row: typeof userInvites.$inferInsert): Promise<void> {
  // A new invite replaces the user's earlier unused ones: only the latest link works.
  await db
    .update(userInvites)
    .set({ usedAt: row.createdAt })
    .where(and(eq(userInvites.workspaceId, row.workspaceId), eq(userInvites.userId, row.userId), isNull(userInvites.usedAt)));
  await db.insert(userInvites).values(row);
}

export async function inviteByToken(systemDb: Db, hash: string) {
  const [row] = await systemDb.select().from(userInvites).where(eq(userInvites.tokenHash, hash)).limit(1);
  return row;
}

/** Marks the invite used if it still is unused and unexpired: true for exactly one caller. */
export async function consumeInvite(db: Db, row: InviteRow, now: Date): Promise<boolean> {
  const updated = await db
    .update(userInvites)
    .set({ usedAt: now })
    .where(and(eq(userInvites.workspaceId, row.workspaceId), eq(userInvites.id, row.id), isNull(userInvites.usedAt), gt(userInvites.expiresAt, now)))
    .returning({ id: userInvites.id });
  return updated.length === 1;
}

export async function sessionById(db: Db, workspaceId: string, id: string) {
  const [row] = await db.select().from(userSessions).where(and(eq(userSessions.workspaceId, workspaceId), eq(userSessions.id, id)));
  return row;
}
