import { and, eq } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { elementRepo } from '../lib/contact-element/element-repo.ts';
import { tasks } from './tasks.tables.ts';

/** The shared five queries of a contact element, listed by when the task was recorded. */
export const tasksRepo = elementRepo(tasks);

export async function deletePendingTaskRows(db: Db, workspaceId: string, contactId: string): Promise<number> {
  const rows = await db
    .delete(tasks)
    .where(and(eq(tasks.workspaceId, workspaceId), eq(tasks.contactId, contactId), eq(tasks.status, 'pending')))
    .returning({ id: tasks.id });
  return rows.length;
}
