import { and, asc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { contacts, type ContactRow } from '../contacts/contacts.tables.ts';
import type { Db } from '../lib/db.ts';
import type { AttentionReason } from '../contacts/attention-state.ts';

/** The contact row, locked for update: communications of one contact are recorded one at a time. */
export async function lockContact(db: Db, workspaceId: string, contactId: string): Promise<ContactRow | undefined> {
  const rows = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, contactId)))
    .for('update')
    .limit(1);
  return rows[0];
}

/**
 * Derives the contact's attention columns from its communications, in one statement.
 *
 * The "floor" is the latest moment the contact was attended: the newest outbound WhatsApp or
 * email that did not fail, the newest outbound or answered call, or the last ignore / un-ignore.
 * Each reason starts at the earliest unanswered inbound of its channel after the floor. Because
 * it is a function of the stored events (not of their arrival order), late and out-of-order
 * events give the same state as in-order ones. Ignored contacts have no reasons at all.
 */
export async function recomputeAttention(db: Db, workspaceId: string, contactId: string): Promise<ContactRow | undefined> {
  const mine = (table: string) => sql`${sql.identifier(table)}.workspace_id = ${workspaceId} AND ${sql.identifier(table)}.contact_id = ${contactId}`;
  const floor = sql`greatest(
      c.attention_reset_at,
      (SELECT max(sent_at) FROM whatsapp_messages WHERE ${mine('whatsapp_messages')} AND direction = 'outbound' AND status <> 'failed'),
      (SELECT max(sent_at) FROM emails WHERE ${mine('emails')} AND direction = 'outbound' AND status <> 'failed'),
      (SELECT max(started_at) FROM calls WHERE ${mine('calls')} AND (direction = 'outbound' OR outcome = 'answered')))`;
  const after = (column: string): SQL => sql`(s.floor IS NULL OR ${sql.identifier(column)} > s.floor)`;
  await db.execute(sql`
    UPDATE contacts c SET
      attention_whatsapp_since = r.whatsapp,
      attention_call_since = r.call,
      attention_email_since = r.email,
      attention_since = least(r.whatsapp, r.call, r.email),
      last_inbound_whatsapp_at = r.last_whatsapp_in
    FROM (
      SELECT
        CASE WHEN s.ignored THEN NULL ELSE (SELECT min(sent_at) FROM whatsapp_messages WHERE ${mine('whatsapp_messages')} AND direction = 'inbound' AND ${after('sent_at')}) END AS whatsapp,
        CASE WHEN s.ignored THEN NULL ELSE (SELECT min(started_at) FROM calls WHERE ${mine('calls')} AND direction = 'inbound' AND outcome <> 'answered' AND ${after('started_at')}) END AS call,
        CASE WHEN s.ignored THEN NULL ELSE (SELECT min(sent_at) FROM emails WHERE ${mine('emails')} AND direction = 'inbound' AND ${after('sent_at')}) END AS email,
        (SELECT max(sent_at) FROM whatsapp_messages WHERE ${mine('whatsapp_messages')} AND direction = 'inbound') AS last_whatsapp_in
      FROM (SELECT ${floor} AS floor, c.ignored_at IS NOT NULL AS ignored FROM contacts c WHERE c.workspace_id = ${workspaceId} AND c.id = ${contactId}) s
    ) r
    WHERE c.workspace_id = ${workspaceId} AND c.id = ${contactId}
`);
  const fresh = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, contactId)))
    .limit(1);
  return fresh[0];
}

/** Ignoring or un-ignoring: moves the floor to `at` and sets or clears `ignored_at`. */
export async function setIgnored(db: Db, workspaceId: string, contactId: string, ignored: boolean, at: Date): Promise<void> {
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
export async function listQueueRows(
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
