import { requireContact } from '../contacts/require-contact.ts';
import type { Actor } from '../lib/actor.ts';
import { presentAuthor } from '../lib/authorship.ts';
import { contactElement, type ElementDeps } from '../lib/contact-element/contact-element.ts';
import { validationFailed } from '../lib/errors.ts';
import { dealsRepo } from './deals.repo.ts';
import type { Deal, DealCreate, DealUpdate } from './deals.schema.ts';
import type { DealRow } from './deals.tables.ts';

export type DealsDeps = ElementDeps;

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
  const element = contactElement(deps, { name: 'Deal', listKey: 'deals', repo: dealsRepo, present: presentDeal, requireContact });

  return {
    /** Creates a deal on a live contact; won or lost stamps `closedAt`. */
    async create(actor: Actor, contactId: string, input: DealCreate): Promise<Deal> {
      checkMoney(input.amountMinor ?? null, input.currency ?? null);
      const status = input.status ?? 'open';
      return element.create(actor, contactId, (_tx, now) => ({
        title: input.title,
        amountMinor: input.amountMinor ?? null,
        currency: input.currency ?? null,
        status,
        expectedCloseDate: input.expectedCloseDate ?? null,
        closedAt: status === 'open' ? null : now,
      }));
    },

    get: element.get,
    list: element.list,

    /** Partial update; `null` clears. Moving between open and won/lost sets or clears `closedAt`. */
    async update(actor: Actor, id: string, patch: DealUpdate, opts: { ifMatch?: number } = {}): Promise<Deal> {
      return element.update(actor, id, opts.ifMatch, (_tx, current, now) => {
        const changes: Partial<DealRow> = {};
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
        return changes;
      });
    },

    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      await element.remove(actor, id, opts);
    },
  };
}

export type DealsService = ReturnType<typeof makeDealsService>;
