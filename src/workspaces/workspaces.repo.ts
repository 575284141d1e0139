import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { users, workspaces } from './workspaces.tables.ts';

export async function findWorkspace(db: Db, id: string) {
  const rows = await db.select().from(workspaces).where(eq(workspaces.id, id)).limit(1);
  return rows[0];
}

/** An active user (deactivated ones are left out: they cannot sign in, own contacts or take tasks). */
export async function findUser(db: Db, workspaceId: string, id: string) {
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.id, id), isNull(users.deactivatedAt)))
    .limit(1);
  return rows[0];
}

/** A user, active or not, locked for the rest of the transaction. */
export async function lockUser(tx: Db, workspaceId: string, id: string) {
  const [row] = await tx.select().from(users).where(and(eq(users.workspaceId, workspaceId), eq(users.id, id))).for('update');
  return row;
}

/**
 * The ids of the workspace's active owners, locked in id order: every role change and removal
 * takes these locks first, so two owners demoting each other at once are serialised (the second
 * sees one owner left) and never deadlock.
 */
export async function lockActiveOwners(tx: Db, workspaceId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.role, 'owner'), isNull(users.deactivatedAt)))
    .orderBy(asc(users.id))
    .for('update');
  return rows.map((r) => r.id);
}
