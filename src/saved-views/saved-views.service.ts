import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, forbidden, notFound } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { compileFilter } from '../contact-lists/compile-filter.ts';
import { resolveSort } from '../contact-lists/keyset.ts';
import { contextFor } from '../contact-lists/contact-query.ts';
import type { SavedView, SavedViewCreate, SavedViewUpdate } from './saved-views.schema.ts';
import { savedViews, type SavedViewRow } from './saved-views.tables.ts';

/** The principal a private view belongs to: the user behind the call, else the API key. */
const principalOf = (actor: Actor): string => actor.userId ?? actor.principalId;

const present = (r: SavedViewRow, actor: Actor): SavedView => ({
  id: r.id,
  name: r.name,
  filter: r.filter ?? null,
  sort: r.sort,
  columns: r.columns,
  visibility: r.visibility,
  mine: r.ownerPrincipal === principalOf(actor),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  version: Number(r.version),
});

/** A saved view is only worth keeping if the list would accept it: check its filter and sort now. */
async function checkDefinition(db: Db, actor: Actor, filter: unknown, sort: string | undefined, now: Date) {
  const ctx = await contextFor(db, actor, { filter: filter ?? undefined, sort }, now);
  if (filter) compileFilter(filter, ctx, '/filter');
  if (sort) resolveSort(sort, '/sort', ctx);
}

export function makeSavedViewsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  /** Visible = shared, or private and the caller's own; anything else is "not found". */
  async function getVisible(tx: Db, actor: Actor, id: string): Promise<SavedViewRow> {
    const [row] = await tx.select().from(savedViews).where(and(eq(savedViews.workspaceId, actor.workspaceId), eq(savedViews.id, id))).limit(1);
    if (!row || (row.visibility === 'private' && row.ownerPrincipal !== principalOf(actor))) throw notFound('Saved view', id);
    return row;
  }

  /** Shared views are changed by their creator or an admin; private ones only by their creator. */
  function checkCanChange(actor: Actor, row: SavedViewRow) {
    if (row.ownerPrincipal !== principalOf(actor) && actor.role === 'member') throw forbidden('Only its creator or an admin can change a shared view');
  }

  return {
    /** Saves a named filter + sort + columns; private unless `visibility: shared`. */
    async create(actor: Actor, input: SavedViewCreate): Promise<SavedView> {
      const now = clock.now();
      await checkDefinition(db, actor, input.filter, input.sort, now);
      const [row] = await db
        .insert(savedViews)
        .values({ workspaceId: actor.workspaceId, id: uuidv7(now.getTime()), name: input.name, filter: input.filter ?? null, sort: input.sort, columns: input.columns, visibility: input.visibility, ownerPrincipal: principalOf(actor), createdAt: now, updatedAt: now })
        .returning();
      return present(row!, actor);
    },

    /** The caller's private views and every shared view, by name. */
    async list(actor: Actor): Promise<SavedView[]> {
      const rows = await db
        .select()
        .from(savedViews)
        .where(and(eq(savedViews.workspaceId, actor.workspaceId), or(eq(savedViews.visibility, 'shared'), eq(savedViews.ownerPrincipal, principalOf(actor)))))
        .orderBy(asc(savedViews.name), asc(savedViews.id))
        .limit(1000);
      return rows.map((r) => present(r, actor));
    },

    async get(actor: Actor, id: string): Promise<SavedView> {
      return present(await getVisible(db, actor, id), actor);
    },

    /** Partial update honouring If-Match; `filter: null` clears the filter. */
    async update(actor: Actor, id: string, patch: SavedViewUpdate, opts: { ifMatch?: number } = {}): Promise<SavedView> {
      const now = clock.now();
      await checkDefinition(db, actor, patch.filter, patch.sort, now);
      return db.transaction(async (tx) => {
        const row = await getVisible(tx, actor, id);
        checkCanChange(actor, row);
        if (opts.ifMatch !== undefined && Number(row.version) !== opts.ifMatch) {
          throw new AppError('precondition_failed', `The view changed since you read it: it is at version ${row.version}`, { extra: { currentVersion: Number(row.version), etag: `"${row.version}"` } });
        }
        const changes: Partial<SavedViewRow> = { updatedAt: now };
        if (patch.name !== undefined) changes.name = patch.name;
        if (patch.filter !== undefined) changes.filter = patch.filter ?? null;
        if (patch.sort !== undefined) changes.sort = patch.sort;
        if (patch.columns !== undefined) changes.columns = patch.columns;
        if (patch.visibility !== undefined) changes.visibility = patch.visibility;
        const [updated] = await tx
          .update(savedViews)
          .set({ ...changes, version: sql`${savedViews.version} + 1` })
          .where(and(eq(savedViews.workspaceId, actor.workspaceId), eq(savedViews.id, id)))
          .returning();
        return present(updated!, actor);
      });
    },

    async remove(actor: Actor, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        checkCanChange(actor, await getVisible(tx, actor, id));
        await tx.delete(savedViews).where(and(eq(savedViews.workspaceId, actor.workspaceId), eq(savedViews.id, id)));
      });
    },
  };
}

export type SavedViewsService = ReturnType<typeof makeSavedViewsService>;
