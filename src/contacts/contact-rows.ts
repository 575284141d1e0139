import { and, asc, desc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import type { AttentionReason } from './attention-state.ts';
import { contacts, type ContactRow } from './contacts.tables.ts';

/**
 * The contact-row queries other features run on the contact row they build on: attention (its
 * columns, the queue) and playbooks (stages). They live here so the contacts table stays private
 * to this folder; a repo elsewhere imports these instead of contacts.tables.ts.
 */

export { findContactRow, lockContactRow } from './contacts.repo.ts';
// Many rows at once, for set-based work (attention of a batch, the WhatsApp job's senders).
export { findContactRows, findIdentifierHoldersOf, lockContactRows } from './batch.repo.ts';
export type { ContactRow } from './contacts.tables.ts';

/** Ignoring or un-ignoring: moves the attention floor to `at` and sets or clears `ignored_at`. */
export async function setContactIgnored(db: Db, workspaceId: string, contactId: string, ignored: boolean, at: Date): Promise<void> {
  await db
    .update(contacts)
    .set({ ignoredAt: ignored ? at : null, attentionResetAt: at, updatedAt: at, version: sql`${contacts.version} + 1` })
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, contactId)));
}

const REASON_COLUMNS = {
  whatsapp: contacts.attentionWhatsappSince,
  call: contacts.attentionCallSince,
  email: contacts.attentionEmailSince,
} as const;

/**
 * Pending live contacts, longest waiting first, after the key `after`. Served by the partial
 * indexes `contacts_attention_queue` / `contacts_attention_owner` (workspace_id leading).
 */
export async function listAttentionQueueRows(
  db: Db,
  workspaceId: string,
  filter: { ownerId?: string; reason?: AttentionReason },
  after: { at: string; id: string } | undefined,
  take: number,
): Promise<ContactRow[]> {
  const where = [eq(contacts.workspaceId, workspaceId), isNotNull(contacts.attentionSince), isNull(contacts.deletedAt)];
  if (filter.ownerId) where.push(eq(contacts.ownerId, filter.ownerId));
  if (filter.reason) where.push(isNotNull(REASON_COLUMNS[filter.reason]));
  if (after) {
    // The plain range on attention_since lets the planner estimate the rows left (it cannot for a
    // row comparison) and walk the index in order instead of sorting a bitmap scan.
    where.push(sql`${contacts.attentionSince} >= ${after.at}::timestamptz`);
    where.push(sql`(${contacts.attentionSince}, ${contacts.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`);
  }
  return db
    .select()
    .from(contacts)
    .where(and(...where))
    .orderBy(asc(contacts.attentionSince), asc(contacts.id))
    .limit(take);
}

/** Contacts in a stage: the live ones, or (`live` false) the ones in the trash. */
export async function countContactsInStage(db: Db, workspaceId: string, stageId: string, live: boolean): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.stageId, stageId), live ? isNull(contacts.deletedAt) : isNotNull(contacts.deletedAt)));
  return Number(r?.n ?? 0);
}

/** Contacts in the trash keep no stage that is being deleted; their history keeps the record. */
export async function detachTrashedFromStage(db: Db, workspaceId: string, stageId: string): Promise<string[]> {
  const rows = await db
    .update(contacts)
    .set({ playbookId: null, stageId: null, stageEnteredAt: null })
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.stageId, stageId), isNotNull(contacts.deletedAt)))
    .returning({ id: contacts.id });
  return rows.map((r) => r.id);
}

/**
 * The rows of the contact ids `picked` (a subquery), longest in stage first or most recent
 * arrivals first: the caller picks the ids (a board walks each stage), this fetches them by key.
 */
export async function contactRowsInStageOrder(db: Db, workspaceId: string, picked: SQL, sort: 'longest' | 'recent'): Promise<ContactRow[]> {
  const order = sort === 'longest' ? asc : desc;
  return db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), sql`${contacts.id} IN (${picked})`))
    .orderBy(order(contacts.stageEnteredAt), order(contacts.id));
}
