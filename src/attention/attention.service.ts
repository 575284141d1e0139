import { presentContact } from '../contacts/contacts.present.ts';
import type { Contact } from '../contacts/contacts.schema.ts';
import { lockContactRow, recordContactEvent, type StageNameLoader } from '../contacts/contacts.service.ts';
import { listAttentionQueueRows, setContactIgnored } from '../contacts/contact-rows.ts';
import type { ContactRow } from '../contacts/contacts.service.ts';
import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { notFound } from '../lib/errors.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import type { CursorCodec, Page } from '../lib/pagination.ts';
import { notifyContactPending, notifyContactsPending } from '../notifications/notifications.service.ts';
import { lockContactRows } from '../contacts/contact-rows.ts';
import { insertOutboxRows } from '../lib/jobs/outbox.ts';
import { uuidv7Source } from '../lib/ids.ts';
import { deletePendingTasksForContact } from '../tasks/tasks.service.ts';
import { presentAttention } from '../contacts/attention-state.ts';
import * as repo from './attention.repo.ts';
import type { AttentionQueueQuery } from './attention.schema.ts';

/**
 * Locks a contact row (live or in the trash) for an attention change, or undefined when it is
 * gone: for work that must not fail on a deleted contact, such as a delivery that failed.
 */
export const lockContactForAttention = (tx: Db, workspaceId: string, contactId: string): Promise<ContactRow | undefined> => lockContactRow(tx, workspaceId, contactId);

/**
 * Locks a live contact of the workspace for update, or 404. Everything that changes a contact's
 * attention takes this lock first, so two webhooks for one contact are applied one after the
 * other and the second recomputes over the first's committed row.
 */
export async function lockLiveContact(tx: Db, workspaceId: string, contactId: string): Promise<ContactRow> {
  const row = await lockContactRow(tx, workspaceId, contactId);
  if (!row || row.deletedAt) throw notFound('Contact', contactId);
  return row;
}

/** `lockLiveContact` for many contacts at once, in id order (the order every batch takes them in). */
export async function lockLiveContacts(tx: Db, workspaceId: string, contactIds: string[]): Promise<ContactRow[]> {
  const rows = await lockContactRows(tx, workspaceId, contactIds);
  const live = new Set(rows.filter((r) => !r.deletedAt).map((r) => r.id));
  const gone = contactIds.find((id) => !live.has(id));
  if (gone) throw notFound('Contact', gone);
  return rows;
}

/** Recorded whenever a contact's communications changed (consumed by no job: live event streams read it). */
export const CONTACT_ATTENTION_TOPIC = 'contact.attention';

/**
 * Recomputes the attention of a contact locked by `lockLiveContact` (passed as `before`) after
 * its communications changed, in the caller's transaction, and notifies its owner (or the
 * workspace) when it has just become pending. Ignored contacts never become pending.
 */
export async function refreshAttention(tx: Db, before: ContactRow, now: Date): Promise<ContactRow> {
  const after = (await repo.recomputeAttention(tx, before.workspaceId, before.id))!;
  // For live clients (src/live): a communication changed this contact's conversation, and maybe its attention.
  const pending = { before: Boolean(before.attentionSince), after: Boolean(after.attentionSince) };
  await recordOutbox(tx, after.workspaceId, { topic: CONTACT_ATTENTION_TOPIC, payload: { contactId: after.id, version: Number(after.version), pending } }, now);
  if (!before.attentionSince && after.attentionSince && !after.ignoredAt) {
    await notifyContactPending(tx, { workspaceId: after.workspaceId, ownerId: after.ownerId, contactId: after.id, reasons: presentAttention(after).reasons }, now);
  }
  return after;
}

/**
 * `refreshAttention` for many contacts locked together (`before`, one row each), once per contact
 * however many of its communications changed: one recompute, then each contact's row for live
 * clients and, for those that have just become pending, their notifications, a statement each.
 * The rows after are `before` with the columns the recompute changed (it answers them): the
 * contacts are locked, so nothing else moved them, and no read of the rows is needed.
 */
export async function refreshAttentionOf(tx: Db, before: ContactRow[], now: Date): Promise<void> {
  if (before.length === 0) return;
  const workspaceId = before[0]!.workspaceId;
  const changed = new Map((await repo.recomputeAttentionOf(tx, workspaceId, before.map((b) => b.id))).map((c) => [c.id, c]));
  const newId = uuidv7Source(now.getTime());
  const at = now.toISOString();
  const live = [];
  const becamePending = [];
  for (const b of before) {
    const a: ContactRow = { ...b, ...changed.get(b.id) };
    const pending = { before: Boolean(b.attentionSince), after: Boolean(a.attentionSince) };
    live.push({ id: newId(), topic: CONTACT_ATTENTION_TOPIC, payload: { contactId: a.id, version: Number(a.version), pending }, created_at: at });
    if (!b.attentionSince && a.attentionSince && !a.ignoredAt) becamePending.push({ workspaceId, ownerId: a.ownerId, contactId: a.id, reasons: presentAttention(a).reasons });
  }
  await insertOutboxRows(tx, workspaceId, live);
  await notifyContactsPending(tx, becamePending, now);
}

export type AttentionDeps = { db: Db; clock: Clock; cursors: CursorCodec; stageNames?: StageNameLoader };

export function makeAttentionService(deps: AttentionDeps) {
  const { db, clock, cursors } = deps;

  async function present(tx: Db, rows: ContactRow[]): Promise<Contact[]> {
    const stageIds = [...new Set(rows.map((r) => r.stageId).filter((s): s is string => !!s))];
    const stageNames = stageIds.length && deps.stageNames ? await deps.stageNames(tx, rows[0]!.workspaceId, stageIds) : undefined;
    const now = clock.now();
    return rows.map((r) => presentContact(r, { now, stageNames }));
  }

  async function setIgnored(actor: Actor, contactId: string, ignored: boolean): Promise<Contact> {
    const now = clock.now();
    return db.transaction(async (tx) => {
      const before = await lockLiveContact(tx, actor.workspaceId, contactId);
      // Already in the wanted state: nothing to delete, record or notify (a retried click).
      if ((before.ignoredAt !== null) === ignored) return (await present(tx, [before]))[0]!;
      const deletedPendingTasks = ignored ? await deletePendingTasksForContact(tx, actor.workspaceId, contactId) : 0;
      await setContactIgnored(tx, actor.workspaceId, contactId, ignored, now);
      const after = (await repo.recomputeAttention(tx, actor.workspaceId, contactId))!;
      const type = ignored ? 'contact.ignored' : 'contact.unignored';
      await recordContactEvent(tx, actor, contactId, type, ignored ? { deletedPendingTasks, clearedReasons: presentAttention(before).reasons } : {}, now);
      await recordOutbox(tx, actor.workspaceId, { topic: 'contact.changed', payload: { contactId, change: ignored ? 'ignored' : 'unignored' } }, now);
      return (await present(tx, [after]))[0]!;
    });
  }

  return {
    /**
     * Ignores a contact: deletes its pending tasks, clears its reasons; from now on its inbound
     * communications are recorded but raise no attention and no notification. Idempotent.
     */
    ignore: (actor: Actor, contactId: string) => setIgnored(actor, contactId, true),

    /** Un-ignores; restores nothing ignoring deleted, and inbound received meanwhile stays answered. */
    unignore: (actor: Actor, contactId: string) => setIgnored(actor, contactId, false),

    /**
     * Pending contacts of the workspace, longest waiting first (by their oldest reason), optionally
     * of one owner or with one reason. Keyset over `(attentionSince, id)`: a contact answered
     * meanwhile leaves the queue; one that became pending behind the cursor shows on the next walk.
     */
    async queue(actor: Actor, q: AttentionQueueQuery): Promise<Page<Contact>> {
      const binding = `${actor.workspaceId}|attention|${q.ownerId ?? ''}|${q.reason ?? ''}`;
      let after: { at: string; id: string } | undefined;
      if (q.cursor) {
        const key = cursors.decode(q.cursor, binding);
        after = { at: String(key.v), id: key.id };
      }
      const rows = await listAttentionQueueRows(db, actor.workspaceId, { ownerId: q.ownerId, reason: q.reason }, after, q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      const nextCursor = rows.length > q.limit && last ? cursors.encode({ v: last.attentionSince!.toISOString(), id: last.id }, binding) : null;
      return { data: await present(db, page), nextCursor };
    },
  };
}

export type AttentionService = ReturnType<typeof makeAttentionService>;
