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
import * as repo from './deals.repo.ts';
import type { Deal, DealCreate, DealUpdate } from './deals.schema.ts';
import type { DealRow } from './deals.tables.ts';

export type DealsDeps = { db: Db; clock: Clock; cursors: CursorCodec };

export function presentDeal(row: DealRow): Deal {
  return {
    id: row.id,
    contactId: row.contactId,
    title: row.title,
    amountMinor: row.amountMinor === null ? null : Number(row.amountMinor),
    currency: row.currency,
    status: row.status,
    expectedCloseDate: row.expectedCloseDate,
    closedAt: row.closedAt ? row.closedAt.toISOString() : null,
    author: presentAuthor(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: Number(row.version),
  };
}

/** An amount means nothing without its currency. */
function checkMoney(amountMinor: number | null, currency: string | null): void {
  if (amountMinor !== null && !currency) {
    throw validationFailed([{ pointer: '/currency', code: 'currency_required', message: 'An amount needs its ISO 4217 currency' }]);
  }
}

export function makeDealsService(deps: DealsDeps) {
  const { db, clock, cursors } = deps;

  async function getRow(tx: Db, actor: Actor, id: string, lock = false): Promise<DealRow> {
    const row = await repo.findDealRow(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound('Deal', id);
    return row;
  }

  return {
    /** Creates a deal on a live contact; won or lost stamps `closedAt`. */
    async create(actor: Actor, contactId: string, input: DealCreate): Promise<Deal> {
      const now = clock.now();
      checkMoney(input.amountMinor ?? null, input.currency ?? null);
      return db.transaction(async (tx) => {
        await requireContact(tx, actor.workspaceId, contactId, 'write');
        const status = input.status ?? 'open';
        const row = await repo.insertDealRow(tx, {
          workspaceId: actor.workspaceId,
          id: uuidv7(now.getTime()),
          contactId,
          title: input.title,
          amountMinor: input.amountMinor ?? null,
          currency: input.currency ?? null,
          status,
          expectedCloseDate: input.expectedCloseDate ?? null,
          closedAt: status === 'open' ? null : now,
          ...authorOf(actor),
          createdAt: now,
          updatedAt: now,
        });
        return presentDeal(row);
      });
    },

    /** A deal of the actor's workspace (also of a contact in the trash). */
    async get(actor: Actor, id: string): Promise<Deal> {
      return presentDeal(await getRow(db, actor, id));
    },

    /** A contact's deals, newest first (keyset). */
    async list(actor: Actor, contactId: string, q: ElementListQuery): Promise<Page<Deal>> {
      await requireContact(db, actor.workspaceId, contactId, 'read');
      const { rows, nextCursor } = await pageNewestFirst({
        cursors,
        binding: `${actor.workspaceId}|deals|${contactId}`,
        cursor: q.cursor,
        limit: q.limit,
        fetch: (after, take) => repo.listDealRows(db, actor.workspaceId, contactId, after, take),
      });
      return { data: rows.map(presentDeal), nextCursor };
    },

    /** Partial update; `null` clears. Moving between open and won/lost sets or clears `closedAt`. */
    async update(actor: Actor, id: string, patch: DealUpdate, opts: { ifMatch?: number } = {}): Promise<Deal> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion('deal', current, opts.ifMatch);
        const changes: Partial<DealRow> = { updatedAt: now };
        if (patch.title !== undefined) changes.title = patch.title;
        if (patch.amountMinor !== undefined) changes.amountMinor = patch.amountMinor;
        if (patch.currency !== undefined) changes.currency = patch.currency;
        if (patch.expectedCloseDate !== undefined) changes.expectedCloseDate = patch.expectedCloseDate;
        if (patch.status !== undefined && patch.status !== current.status) {
          changes.status = patch.status;
          changes.closedAt = patch.status === 'open' ? null : now;
        }
        const amount = changes.amountMinor !== undefined ? changes.amountMinor : current.amountMinor;
        checkMoney(amount, changes.currency !== undefined ? changes.currency : current.currency);
        return presentDeal((await repo.updateDealRow(tx, actor.workspaceId, id, changes))!);
      });
    },

    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      await db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion('deal', current, opts.ifMatch);
        await repo.deleteDealRow(tx, actor.workspaceId, id);
      });
    },
  };
}

export type DealsService = ReturnType<typeof makeDealsService>;
