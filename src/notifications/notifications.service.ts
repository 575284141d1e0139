import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { notFound } from '../lib/errors.ts';
import { uuidv7, uuidv7Source } from '../lib/ids.ts';
import { pageNewestFirst } from '../lib/keyset-page.ts';
import type { CursorCodec, Page } from '../lib/pagination.ts';
import * as repo from './notifications.repo.ts';
import type { MarkAllRead, Notification, NotificationListQuery } from './notifications.schema.ts';
import type { NotificationRow } from './notifications.tables.ts';

export type NotificationsDeps = { db: Db; clock: Clock; cursors: CursorCodec };

export function presentNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    type: row.type,
    userId: row.userId,
    contactId: row.contactId,
    data: row.data,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt ? row.readAt.toISOString() : null,
  };
}

/**
 * Notifies, inside the caller's transaction, that a contact became pending attention: to its
 * owner, or to the whole workspace when it has none. Written directly rather than through the
 * outbox: it is a row in the same database, so the transaction already gives "rolled back →
 * nothing, committed → there"; a job hop would only add delay. Push or email fan-out, when it
 * comes, reads these rows through the outbox.
 */
export async function notifyContactPending(
  tx: Db,
  n: { workspaceId: string; ownerId: string | null; contactId: string; reasons: { reason: string; since: string }[] },
  now: Date,
): Promise<void> {
  await repo.insertNotificationRow(tx, {
    workspaceId: n.workspaceId,
    id: uuidv7(now.getTime()),
    userId: n.ownerId,
    type: 'contact.pending_attention',
    contactId: n.contactId,
    data: { reasons: n.reasons },
    createdAt: now,
  });
}

/** `notifyContactPending` for many contacts in one statement (the batched webhook path). */
export async function notifyContactsPending(
  tx: Db,
  list: { workspaceId: string; ownerId: string | null; contactId: string; reasons: { reason: string; since: string }[] }[],
  now: Date,
): Promise<void> {
  const newId = uuidv7Source(now.getTime());
  await repo.insertNotificationRows(
    tx,
    list.map((n) => ({ workspaceId: n.workspaceId, id: newId(), userId: n.ownerId, type: 'contact.pending_attention', contactId: n.contactId, data: { reasons: n.reasons }, createdAt: now })),
  );
}

export function makeNotificationsService(deps: NotificationsDeps) {
  const { db, clock, cursors } = deps;
  return {
    /** The caller's user's notifications and the workspace-wide ones, newest first (keyset). */
    async list(actor: Actor, q: NotificationListQuery): Promise<Page<Notification>> {
      const unread = q.unread === 'true';
      const { rows, nextCursor } = await pageNewestFirst({
        cursors,
        binding: `${actor.workspaceId}|notifications|${actor.userId ?? '-'}|${unread}`,
        cursor: q.cursor,
        limit: q.limit,
        fetch: (after, take) => repo.listNotificationRows(db, actor.workspaceId, actor.userId, { unread }, after, take),
      });
      return { data: rows.map(presentNotification), nextCursor };
    },

    /** Marks one read; another user's or another workspace's notification is a 404. */
    async markRead(actor: Actor, id: string): Promise<Notification> {
      const row = await repo.markNotificationRead(db, actor.workspaceId, actor.userId, id, clock.now());
      if (!row) throw notFound('Notification', id);
      return presentNotification(row);
    },

    /** "Marcar todo como leído": every unread one the user sees, or one contact's; another workspace's contact marks nothing. */
    async markAllRead(actor: Actor, body: MarkAllRead): Promise<{ marked: number }> {
      return { marked: await repo.markAllNotificationsRead(db, actor.workspaceId, actor.userId, body, clock.now()) };
    },
  };
}

export type NotificationsService = ReturnType<typeof makeNotificationsService>;
