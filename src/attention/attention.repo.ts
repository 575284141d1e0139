import { sql, type SQL } from 'drizzle-orm';
import { findContactRow, type ContactRow } from '../contacts/contact-rows.ts';
import { queryRows, type Db } from '../lib/db.ts';

// The contact-row queries attention needs (lock, ignore, the queue) live in contacts/contact-rows.ts;
// what stays here is the derivation of the attention columns from communications.

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
  await recomputeAttentionOf(db, workspaceId, [contactId]);
  return findContactRow(db, workspaceId, contactId);
}

/** The attention columns as `recomputeAttentionOf` wrote them (a contact whose columns did not change is not written). */
export type AttentionChange = {
  id: string;
  attentionSince: Date | null;
  attentionWhatsappSince: Date | null;
  attentionCallSince: Date | null;
  attentionEmailSince: Date | null;
  lastInboundWhatsappAt: Date | null;
};

const at = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string | Date));

/**
 * `recomputeAttention` for many contacts in one statement (the batched webhook path); answers
 * the contacts whose columns changed, with their new values.
 *
 * Why it is shaped so (each cut measured on the webhook job, bench/webhooks-processing.ts):
 * - A contact whose derived columns equal the stored ones is not written at all, and one whose
 *   attention columns stay (a second message while already pending moves only
 *   `last_inbound_whatsapp_at`, which no index holds) changes no indexed column, so PostgreSQL
 *   can write it as a heap-only tuple: no new entries in the contact's ~18 indexes.
 * - The floor, and then each reason, is computed once per contact: the subqueries `s` and `t`
 *   are kept from being flattened (`OFFSET 0`), else the planner copies the floor's three
 *   subqueries into every place that reads it, and the reasons into both the SET list and the
 *   change test (86 subplans, most of the statement's time spent planning them). And `r` is a
 *   materialized CTE: as a subquery in FROM, PGlite's planner put it on the inner side of a
 *   nested loop and ran it once per contact (32 × 32 recomputes, 260 ms a batch).
 * - The contacts are found by their ids (`= ANY`). (Driven from `unnest` of the ids instead,
 *   the planner joined back to the contacts by a hash over the workspace: 70-80 ms a batch.)
 */
export async function recomputeAttentionOf(db: Db, workspaceId: string, contactIds: string[]): Promise<AttentionChange[]> {
  if (contactIds.length === 0) return [];
  // Of the contact at hand: `c` while its floor is taken, `s` in the row that reads the floor.
  const mine = (table: string, contact = 's') => sql`${sql.identifier(table)}.workspace_id = ${workspaceId} AND ${sql.identifier(table)}.contact_id = ${sql.identifier(contact)}.id`;
  const floor = sql`greatest(
      c.attention_reset_at,
      (SELECT max(sent_at) FROM whatsapp_messages WHERE ${mine('whatsapp_messages', 'c')} AND direction = 'outbound' AND status <> 'failed'),
      (SELECT max(sent_at) FROM emails WHERE ${mine('emails', 'c')} AND direction = 'outbound' AND status <> 'failed'),
      (SELECT max(started_at) FROM calls WHERE ${mine('calls', 'c')} AND (direction = 'outbound' OR outcome = 'answered')))`;
  const after = (column: string): SQL => sql`(s.floor IS NULL OR ${sql.identifier(column)} > s.floor)`;
  // One array parameter, however many contacts (a parameter per id costs the query builder more than the database).
  const ids = sql`${`{${contactIds.join(',')}}`}::uuid[]`;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    WITH r AS MATERIALIZED (
      SELECT t.*, least(t.whatsapp, t.call, t.email) AS since FROM (
        SELECT
          s.id,
          CASE WHEN s.ignored THEN NULL ELSE (SELECT min(sent_at) FROM whatsapp_messages WHERE ${mine('whatsapp_messages')} AND direction = 'inbound' AND ${after('sent_at')}) END AS whatsapp,
          CASE WHEN s.ignored THEN NULL ELSE (SELECT min(started_at) FROM calls WHERE ${mine('calls')} AND direction = 'inbound' AND outcome <> 'answered' AND ${after('started_at')}) END AS call,
          CASE WHEN s.ignored THEN NULL ELSE (SELECT min(sent_at) FROM emails WHERE ${mine('emails')} AND direction = 'inbound' AND ${after('sent_at')}) END AS email,
          (SELECT max(sent_at) FROM whatsapp_messages WHERE ${mine('whatsapp_messages')} AND direction = 'inbound') AS last_whatsapp_in
        FROM (SELECT c.id, ${floor} AS floor, c.ignored_at IS NOT NULL AS ignored FROM contacts c WHERE c.workspace_id = ${workspaceId} AND c.id = ANY(${ids}) OFFSET 0) s
        OFFSET 0
      ) t
    )
    UPDATE contacts c SET
      attention_whatsapp_since = r.whatsapp,
      attention_call_since = r.call,
      attention_email_since = r.email,
      attention_since = r.since,
      last_inbound_whatsapp_at = r.last_whatsapp_in
    FROM r
    WHERE c.workspace_id = ${workspaceId} AND c.id = ANY(${ids}) AND c.id = r.id
      AND (c.attention_whatsapp_since, c.attention_call_since, c.attention_email_since, c.attention_since, c.last_inbound_whatsapp_at)
        IS DISTINCT FROM (r.whatsapp, r.call, r.email, r.since, r.last_whatsapp_in)
    RETURNING c.id, c.attention_since, c.attention_whatsapp_since, c.attention_call_since, c.attention_email_since, c.last_inbound_whatsapp_at
`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    attentionSince: at(r.attention_since),
    attentionWhatsappSince: at(r.attention_whatsapp_since),
    attentionCallSince: at(r.attention_call_since),
    attentionEmailSince: at(r.attention_email_since),
    lastInboundWhatsappAt: at(r.last_inbound_whatsapp_at),
  }));
}
