import type { Actor } from '../lib/actor.ts';
import { AppError } from '../lib/errors.ts';
import { inTransaction } from '../lib/tenant-scope.ts';
import * as repo from './imports.repo.ts';
import type { ImportRollback } from './imports.schema.ts';
import type { ImportsDeps } from './import-context.ts';

const PAGE = 200;
const REFUSALS_SHOWN = 100;

const REASONS: Record<string, string> = {
  changed_since_import: 'The contact was changed after the import; undo refused so that change is kept',
  deleted_since_import: 'The contact was deleted after the import',
  merged_since_import: 'The contact was merged into another after the import; undo the merge first',
};

/**
 * Undoes an import: contacts it created go to the trash, fields it updated get their old values
 * back, each only while the contact is still at the version the import left it at (nothing else
 * changed it since); otherwise that contact is refused with the reason. Rows are undone last
 * first, so a contact the file wrote twice is unwound in order. Each contact commits with the
 * mark on its row: a rollback interrupted and asked again continues where it stopped.
 */
export function makeImportRollback(deps: ImportsDeps) {
  const { db, clock } = deps;
  const { contacts } = deps.services;

  async function undoOne(actor: Actor, imp: repo.ImportRow, row: repo.StoredRow, ours: Map<string, number>): Promise<string | null> {
    const id = row.contact_id!;
    const contact = await contacts.get(actor, id, { includeDeleted: true });
    const expected = ours.get(id) ?? row.contact_version;
    if (contact.mergedIntoId) return 'merged_since_import';
    if (contact.version !== expected) return 'changed_since_import';
    // A row re-pointed by a merge names another contact: never trash one this import did not create.
    if (row.status === 'created' && contact.sourceDetail !== `import:${imp.id}`) return 'changed_since_import';
    if (row.status === 'created') {
      if (!contact.deletedAt) await contacts.remove(actor, id, { ifMatch: contact.version });
      return null;
    }
    if (contact.deletedAt) return 'deleted_since_import';
    const restored = await contacts.update(actor, id, (row.previous ?? {}) as never, { ifMatch: contact.version });
    ours.set(id, restored.version);
    return null;
  }

  return {
    async run(actor: Actor, imp: repo.ImportRow): Promise<void> {
      const ours = new Map<string, number>();
      let before = 2_147_483_647; // row numbers are int
      for (;;) {
        const rows = await repo.rowsToRollBack(db, actor.workspaceId, imp.id, before, PAGE);
        if (!rows.length) break;
        for (const row of rows) {
          before = row.row_number;
          await db.transaction(async (tx) => inTransaction(tx, async () => {
            let refusal: string | null;
            try {
              refusal = await undoOne(actor, imp, row, ours);
            } catch (err) {
              if (!(err instanceof AppError)) throw err;
              refusal = err.code === 'precondition_failed' ? 'changed_since_import' : err.code;
            }
            await repo.markRolledBack(tx, actor.workspaceId, imp.id, row.row_number, refusal ? 'refused' : 'done', refusal);
          }));
        }
      }
      const totals = await repo.rollbackTotals(db, actor.workspaceId, imp.id);
      const refusals = await repo.refusedRollbacks(db, actor.workspaceId, imp.id, REFUSALS_SHOWN);
      const summary: ImportRollback = {
        ...totals,
        refusals: refusals.map((r) => ({ row: r.row_number, contactId: r.contact_id, code: r.rollback_code, message: REASONS[r.rollback_code] ?? r.rollback_code })),
        at: clock.now().toISOString(),
      };
      await repo.updateImport(db, actor.workspaceId, imp.id, { status: 'rolled_back', rollback: summary }, clock.now());
    },
  };
}
