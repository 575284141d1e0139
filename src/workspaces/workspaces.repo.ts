import { and, eq } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { users, workspaces } from './workspaces.tables.ts';

export async function findWorkspace(db: Db, id: string) {
  const rows = await db.select().from(workspaces).where(eq(workspaces.id, id)).limit(1);
  return rows[0];
}

export async function findUser(db: Db, workspaceId: string, id: string) {
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.id, id)))
    .limit(1);
  return rows[0];
}
