import { requireContact } from '../contacts/require-contact.ts';
import type { Actor } from '../lib/actor.ts';
import { authorOf, checkVersion, presentAuthor } from '../lib/authorship.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { notFound, validationFailed } from '../lib/errors.ts';
import type { ElementListQuery } from '../lib/http/element-schemas.ts';
import { uuidv7 } from '../lib/ids.ts';
import { pageNewestFirst } from '../lib/keyset-page.ts';
import type { CursorCodec, Page } from '../lib/pagination.ts';
import { findWorkspaceUser } from '../workspaces/workspaces.service.ts';
import * as repo from './tasks.repo.ts';
import type { Task, TaskCreate, TaskUpdate } from './tasks.schema.ts';
import type { TaskRow } from './tasks.tables.ts';

export type TasksDeps = { db: Db; clock: Clock; cursors: CursorCodec };

/**
 * Deletes every pending (not done) task of a contact inside the caller's transaction and
 * returns how many went. Ignoring a contact calls it; done tasks stay as history.
 */
export async function deletePendingTasksForContact(tx: Db, workspaceId: string, contactId: string): Promise<number> {
  return repo.deletePendingTaskRows(tx, workspaceId, contactId);
}

export function presentTask(row: TaskRow): Task {
  return {
    id: row.id,
    contactId: row.contactId,
    title: row.title,
    dueAt: row.dueAt ? row.dueAt.toISOString() : null,
    assigneeId: row.assigneeId,
    status: row.status,
    completedAt: row.completedAt ? row.completedAt.toISOString() : null,
    author: presentAuthor(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: Number(row.version),
  };
}

export function makeTasksService(deps: TasksDeps) {
  const { db, clock, cursors } = deps;

  async function checkAssignee(tx: Db, actor: Actor, assigneeId: string | null | undefined): Promise<void> {
    if (!assigneeId) return;
    if (!(await findWorkspaceUser(tx, actor.workspaceId, assigneeId))) {
      throw validationFailed([{ pointer: '/assigneeId', code: 'unknown_user', message: `No user ${assigneeId} in this workspace` }]);
    }
  }

  async function getRow(tx: Db, actor: Actor, id: string, lock = false): Promise<TaskRow> {
    const row = await repo.findTaskRow(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound('Task', id);
    return row;
  }

  return {
    /** Creates a task on a live contact; the assignee must be a user of the workspace. */
    async create(actor: Actor, contactId: string, input: TaskCreate): Promise<Task> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        await requireContact(tx, actor.workspaceId, contactId, 'write');
        await checkAssignee(tx, actor, input.assigneeId);
        const status = input.status ?? 'pending';
        const row = await repo.insertTaskRow(tx, {
          workspaceId: actor.workspaceId,
          id: uuidv7(now.getTime()),
          contactId,
          title: input.title,
          dueAt: input.dueAt ? new Date(input.dueAt) : null,
          assigneeId: input.assigneeId ?? null,
          status,
          completedAt: status === 'done' ? now : null,
          ...authorOf(actor),
          createdAt: now,
          updatedAt: now,
        });
        return presentTask(row);
      });
    },

    /** A task of the actor's workspace (also of a contact in the trash). */
    async get(actor: Actor, id: string): Promise<Task> {
      return presentTask(await getRow(db, actor, id));
    },

    /** A contact's tasks, newest first (keyset). */
    async list(actor: Actor, contactId: string, q: ElementListQuery): Promise<Page<Task>> {
      await requireContact(db, actor.workspaceId, contactId, 'read');
      const { rows, nextCursor } = await pageNewestFirst({
        cursors,
        binding: `${actor.workspaceId}|tasks|${contactId}`,
        cursor: q.cursor,
        limit: q.limit,
        fetch: (after, take) => repo.listTaskRows(db, actor.workspaceId, contactId, after, take),
      });
      return { data: rows.map(presentTask), nextCursor };
    },

    /** Partial update; `null` clears. Marking done stamps `completedAt` from the clock. */
    async update(actor: Actor, id: string, patch: TaskUpdate, opts: { ifMatch?: number } = {}): Promise<Task> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion('task', current, opts.ifMatch);
        if (patch.assigneeId !== undefined) await checkAssignee(tx, actor, patch.assigneeId);
        const changes: Partial<TaskRow> = { updatedAt: now };
        if (patch.title !== undefined) changes.title = patch.title;
        if (patch.dueAt !== undefined) changes.dueAt = patch.dueAt ? new Date(patch.dueAt) : null;
        if (patch.assigneeId !== undefined) changes.assigneeId = patch.assigneeId;
        if (patch.status !== undefined && patch.status !== current.status) {
          changes.status = patch.status;
          changes.completedAt = patch.status === 'done' ? now : null;
        }
        return presentTask((await repo.updateTaskRow(tx, actor.workspaceId, id, changes))!);
      });
    },

    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      await db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion('task', current, opts.ifMatch);
        await repo.deleteTaskRow(tx, actor.workspaceId, id);
      });
    },
  };
}

export type TasksService = ReturnType<typeof makeTasksService>;
