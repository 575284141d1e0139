import type { Actor } from '../lib/actor.ts';
import type { Db } from '../lib/db.ts';
import * as repo from './batch.repo.ts';
import { makeBatchWriter, type BatchWriterDeps } from './batch-write.ts';
import type { BatchItemResult, BatchOptions, ContactBatchReadResponse } from './batch.schema.ts';
import { presentContact } from './contacts.present.ts';

/**
 * Batch work on contacts: the set-based writer (`writeBatch`, shared by the batch API, the CSV
 * import and the CRM sync) and `readBatch`. Spread into the contacts service, so callers use
 * `services.contacts.writeBatch(actor, items, opts)`.
 */
export function makeContactBatchService(deps: BatchWriterDeps & { stageNames?: (db: Db, workspaceId: string, stageIds: string[]) => Promise<ReadonlyMap<string, string>> }) {
  const writer = makeBatchWriter(deps);
  return {
    /**
     * Creates, upserts or updates many contacts with the rules of a single write, one statement
     * per table for the whole batch; each item gets its own result. Joins the caller's open
     * transaction (as a savepoint); `dryRun` computes every outcome and writes nothing.
     */
    async writeBatch(actor: Actor, items: unknown[], opts: BatchOptions): Promise<BatchItemResult[]> {
      return writer(actor, items, opts);
    },

    /** Contacts by id (trashed ones too, as `GET /v1/contacts/{id}`); an id not in this workspace is a per-item `not_found`. */
    async readBatch(actor: Actor, ids: string[]): Promise<ContactBatchReadResponse> {
      const rows = await repo.findContactRows(deps.db, actor.workspaceId, [...new Set(ids)]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const stageIds = [...new Set(rows.map((r) => r.stageId).filter((s): s is string => !!s))];
      const stageNames = stageIds.length && deps.stageNames ? await deps.stageNames(deps.db, actor.workspaceId, stageIds) : undefined;
      const now = deps.clock.now();
      return {
        results: ids.map((id, index) => {
          const row = byId.get(id);
          if (!row) return { index, id, status: 'error' as const, problem: { code: 'not_found', message: `No contact ${id}` } };
          return { index, id, status: 'found' as const, contact: presentContact(row, { now, stageNames }) };
        }),
      };
    },
  };
}
