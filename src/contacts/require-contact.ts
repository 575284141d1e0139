import { and, eq } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { notFound } from '../lib/errors.ts';
import { contacts } from './contacts.tables.ts';

/**
 * For features that hang elements off a contact (deals, tasks, documents…). `write` needs a live
 * contact and takes a share lock, so a concurrent merge (which locks the contact for update)
 * either runs first — we then see the contact in the trash — or waits and moves the new element
 * with the rest. `read` accepts a contact in the trash: its elements stay readable.
 */
export async function requireContact(tx: Db, workspaceId: string, contactId: string, mode: 'read' | 'write'): Promise<void> {
  const query = tx
    .select({ deletedAt: contacts.deletedAt })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, contactId)))
    .limit(1);
  const rows = mode === 'write' ? await query.for('share') : await query;
  const row = rows[0];
  if (!row || (mode === 'write' && row.deletedAt)) throw notFound('Contact', contactId);
}
