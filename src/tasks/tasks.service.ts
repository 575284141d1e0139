import { requireContact } from '../contacts/require-contact.ts';
import type { Actor } from '../lib/actor.ts';
import { presentAuthor } from '../lib/authorship.ts';
import { contactElement, type ElementDeps } from '../lib/contact-element/contact-element.ts';
import type { Db } from '../lib/db.ts';
import { validationFailed } from '../lib/errors.ts';
import { findWorkspaceUser } from '../workspaces/workspaces.service.ts';
import { deletePendingTaskRows, tasksRepo } from './tasks.repo.ts';
import type { Task, TaskCreate, TaskUpdate } from './tasks.schema.ts';
import type { TaskRow } from './tasks.tables.ts';

export type TasksDeps = ElementDeps;

/**
 * Deletes every pending (not done) task of a contact inside the caller's transaction and
 * returns how many went. Ignoring a contact calls it; done tasks stay as history.
 */
export async function deletePendingTasksForContact(tx: Db, workspaceId: string, contactId: string): Promise<number> {
  return deletePendingTaskRows(tx, workspaceId, contactId);
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
  const element = contactElement(deps, { name: 'Task', listKey: 'tasks', repo: tasksRepo, present: presentTask, requireContact });

  async function checkAssignee(tx: Db, actor: Actor, assigneeId: string | null | undefined): Promise<void> {
    if (!assigneeId) return;
    if (!(await findWorkspaceUser(tx, actor.workspaceId, assigneeId))) {
      throw validationFailed([{ pointer: '/assigneeId', code: 'unknown_user', message: `No user ${assigneeId} in this workspace` }]);
    }
  }

  return {
    /** Creates a task on a live contact; the assignee must be a user of the workspace. */
    async create(actor: Actor, contactId: string, input: TaskCreate): Promise<Task> {
      const status = input.status ?? 'pending';
      return element.create(actor, contactId, async (tx, now) => {
        await checkAssignee(tx, actor, input.assigneeId);
        return {
          title: input.title,
          dueAt: input.dueAt ? new Date(input.dueAt) : null,
          assigneeId: input.assigneeId ?? null,
          status,
          completedAt: status === 'done' ? now : null,
        };
      });
    },

    get: element.get,
    list: element.list,

    /** Partial update; `null` clears. Marking done stamps `completedAt` from the clock. */
    async update(actor: Actor, id: string, patch: TaskUpdate, opts: { ifMatch?: number } = {}): Promise<Task> {
      return element.update(actor, id, opts.ifMatch, async (tx, current, now) => {
        if (patch.assigneeId !== undefined) await checkAssignee(tx, actor, patch.assigneeId);
        const changes: Partial<TaskRow> = {};
        if (patch.title !== undefined) changes.title = patch.title;
        if (patch.dueAt !== undefined) changes.dueAt = patch.dueAt ? new Date(patch.dueAt) : null;
        if (patch.assigneeId !== undefined) changes.assigneeId = patch.assigneeId;
        if (patch.status !== undefined && patch.status !== current.status) {
          changes.status = patch.status;
          changes.completedAt = patch.status === 'done' ? now : null;
        }
        return changes;
      });
    },

    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      await element.remove(actor, id, opts);
    },
  };
}

export type TasksService = ReturnType<typeof makeTasksService>;
