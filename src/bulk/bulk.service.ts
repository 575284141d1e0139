import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, notFound, validationFailed } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import { currentWorkspaceId, inTransaction, inWorkspace } from '../lib/tenant-scope.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { ContactStageService } from '../playbooks/contact-stage.ts';
import type { AttentionService } from '../attention/attention.service.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import { compileWhere } from '../contact-lists/contact-query.ts';
import * as repo from './bulk.repo.ts';
import { SYNC_LIMIT, type BulkAction, type BulkRequest, type Job } from './bulk.schema.ts';

export const BULK_TOPIC = 'contacts.bulk';
const BATCH = 100;
const FAILURES_SHOWN = 1000;

export type BulkDeps = {
  db: Db;
  clock: Clock;
  services: { contacts: ContactsService; contactStages: ContactStageService; workspaces: WorkspacesService; attention: AttentionService };
};

/**
 * Runs as the job's workspace (the queue already does; a direct call, as from the CLI or a test,
 * gets it here). Already in it: keep the scope, so a request's open transaction is joined.
 */
const asWorkspace = <T>(workspaceId: string, fn: () => Promise<T>): Promise<T> =>
  currentWorkspaceId() === workspaceId ? fn() : inWorkspace(workspaceId, fn);

/** Lets timers and I/O (HTTP requests) run before the next statement is queued. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * Bulk actions call the same service functions as single edits, one contact at a time, so each
 * change is validated and recorded (events, consent proofs, outbox) exactly as if made by hand.
 * A contact's change commits with its item's settlement (see `applyAndSettle`), so a job resumed
 * after a crash never applies an item twice. Every action is also "set to a value": re-applying
 * it to a contact that already has it changes and records nothing (the same bulk action sent
 * twice, or a contact edited by hand to the same value meanwhile).
 */
export function makeBulkService(deps: BulkDeps) {
  const { db, clock } = deps;
  const { contacts, contactStages } = deps.services;

  async function applyOne(actor: Actor, action: BulkAction, id: string): Promise<void> {
    const c = await contacts.get(actor, id, { includeDeleted: true });
    if (action.type === 'delete') {
      if (!c.deletedAt) await contacts.remove(actor, id);
      return;
    }
    if (c.deletedAt) throw notFound('Contact', id);
    switch (action.type) {
      case 'setOwner':
        if (c.ownerId !== action.ownerId) await contacts.update(actor, id, { ownerId: action.ownerId });
        return;
      case 'setConsent':
        if (c.consents[action.consent] !== action.value) await contacts.update(actor, id, { consents: { [action.consent]: action.value } }, { consentSource: 'bulk' });
        return;
      case 'setAttribute':
        if (JSON.stringify(c.customAttributes[action.key] ?? null) !== JSON.stringify(action.value ?? null)) {
          await contacts.update(actor, id, { customAttributes: { [action.key]: action.value ?? null } });
        }
        return;
      case 'moveStage':
        await contactStages.setStage(actor, id, { playbookId: action.playbookId, stageId: action.stageId }, { source: 'bulk' });
        return;
      case 'clearStage':
        await contactStages.clearStage(actor, id, { source: 'bulk' });
        return;
      case 'ignore':
      case 'unignore':
        // Same state already: the attention service changes and records nothing.
        await deps.services.attention[action.type](actor, id);
        return;
    }
  }

  /**
   * Applies the action to one contact and settles its item (with the job's counters) in one short
   * transaction: the service's own transaction joins it (tenant scope), so the change and the
   * record that it was made commit together. A worker killed at any point leaves the item either
   * settled with its change, or pending with nothing applied; an item already settled (a second
   * worker, a replay) is never applied again.
   */
  async function applyAndSettle(workspaceId: string, job: repo.JobRow, action: BulkAction, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      if (!(await repo.claimPendingItem(tx, workspaceId, job.id, id))) return;
      let outcome: { code: string; message: string } | null = null;
      await inTransaction(tx, async () => {
        try {
          await applyOne(job.actor, action, id);
        } catch (err) {
          // Domain refusals are the contact's outcome; anything else stops the job for a retry.
          if (!(err instanceof AppError)) throw err;
          outcome = { code: err.code, message: err.message };
        }
      });
      await repo.settleItem(tx, workspaceId, job.id, id, outcome, clock.now());
    });
  }

  /**
   * Works the job's pending items in contact-id order until none is left; safe to call again.
   * No transaction spans more than one contact, and between contacts the event loop gets a turn:
   * on the embedded database requests share the one connection, and a job chaining queries back
   * to back would starve them.
   */
  async function run(workspaceId: string, jobId: string): Promise<void> {
    return asWorkspace(workspaceId, () => runScoped(workspaceId, jobId));
  }

  async function runScoped(workspaceId: string, jobId: string): Promise<void> {
    const job = await repo.findJob(db, workspaceId, jobId);
    if (!job || job.status === 'succeeded' || job.status === 'failed') return;
    if (job.status === 'queued') await repo.setJobStatus(db, workspaceId, jobId, 'running', clock.now());
    const action = job.action as BulkAction;
    for (;;) {
      const ids = await repo.nextPendingItems(db, workspaceId, jobId, BATCH);
      if (ids.length === 0) break;
      for (const id of ids) {
        await applyAndSettle(workspaceId, job, action, id);
        await yieldToEventLoop();
      }
    }
    await repo.setJobStatus(db, workspaceId, jobId, 'succeeded', clock.now());
  }

  async function present(workspaceId: string, jobId: string): Promise<Job> {
    const row = await repo.findJob(db, workspaceId, jobId);
    if (!row) throw notFound('Job', jobId);
    const finished = row.status === 'succeeded' || row.status === 'failed';
    const failures = row.failed > 0 || finished ? await repo.listFailures(db, workspaceId, jobId, FAILURES_SHOWN) : [];
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      action: row.action,
      progress: { done: row.done, failed: row.failed, total: row.total },
      result: finished || row.failed > 0
        ? { failures: failures.map((f) => ({ contactId: f.contact_id, code: f.code, message: f.message })), failuresTruncated: row.failed > FAILURES_SHOWN }
        : null,
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
      finishedAt: iso(row.finished_at),
    };
  }

  return {
    /**
     * Starts a bulk action. Up to 100 listed ids run now (`async: false`); more, or a filter,
     * become a job worked by the queue (`async: true`), created with its outbox event in one
     * transaction so a crash can neither lose it nor run it twice.
     */
    async start(actor: Actor, input: BulkRequest): Promise<{ job: Job; async: boolean }> {
      const now = clock.now();
      if (input.action.type === 'setOwner' && input.action.ownerId) {
        await deps.services.workspaces.getUser(actor, input.action.ownerId).catch(() => {
          throw validationFailed([{ pointer: '/action/ownerId', code: 'unknown_user', message: `No user ${input.action.type === 'setOwner' ? input.action.ownerId : ''} in this workspace` }]);
        });
      }
      const { ids, filter, q } = input.selection;
      const source = ids ? { ids } : { where: (await compileWhere(db, actor, { filter, q, limit: 1 }, { prefix: '/selection', status: 422 }, now)).where };
      const async = !ids || ids.length > SYNC_LIMIT;
      const jobId = uuidv7(now.getTime());
      await db.transaction(async (tx) => {
        await repo.insertJob(tx, actor.workspaceId, jobId, input.action, actor, now);
        await repo.insertItems(tx, actor.workspaceId, jobId, source);
        if (async) await recordOutbox(tx, actor.workspaceId, { topic: BULK_TOPIC, payload: { jobId } }, now);
      });
      if (!async) await run(actor.workspaceId, jobId);
      return { job: await present(actor.workspaceId, jobId), async };
    },

    /** A job of the actor's workspace, with progress and, once failures exist, their reasons. */
    async get(actor: Actor, id: string): Promise<Job> {
      return present(actor.workspaceId, id);
    },

    run,

    /** Retries are spent (an unexpected error kept stopping the job): it ends `failed`, not `running`. */
    async abandon(workspaceId: string, jobId: string): Promise<void> {
      await asWorkspace(workspaceId, async () => {
        const job = await repo.findJob(db, workspaceId, jobId);
        if (!job || job.status === 'succeeded' || job.status === 'failed') return;
        await repo.setJobStatus(db, workspaceId, jobId, 'failed', clock.now());
      });
    },
  };
}

export type BulkService = ReturnType<typeof makeBulkService>;
