import { lockLiveContact, refreshAttention } from '../attention/attention.service.ts';
import { requireContact } from '../contacts/require-contact.ts';
import type { Actor } from '../lib/actor.ts';
import { checkVersion } from '../lib/authorship.ts';
import type { Db } from '../lib/db.ts';
import { notFound } from '../lib/errors.ts';
import type { ElementListQuery } from '../lib/http/element-schemas.ts';
import { pageByTime } from '../lib/keyset-page.ts';
import type { Page } from '../lib/pagination.ts';
import type { CommunicationsDeps } from './communication-helpers.ts';

/** What a change returns when it changed nothing: no attention recompute, no contact write. */
export class Unchanged<R> {
  constructor(readonly value: R) {}
}

type ElementRow = { id: string; contactId: string; version: number };

/** The queries of `communications.repo.ts` that every communication element uses. */
type ElementRepo<Row> = {
  find(db: Db, workspaceId: string, id: string, lock?: boolean): Promise<Row | undefined>;
  remove(db: Db, workspaceId: string, id: string): Promise<void>;
  list(db: Db, workspaceId: string, contactId: string, after: { at: string; id: string } | undefined, take: number): Promise<Row[]>;
};

/**
 * The plumbing calls, emails and WhatsApp messages share: read one, list a contact's newest
 * first by event time, change or delete one under the contact's lock with attention recomputed.
 * Each service keeps only its own rules (what may change, how it is created or sent).
 */
export function communicationElement<Row extends ElementRow, Out>(
  deps: CommunicationsDeps,
  spec: {
    /** How problems name it: "Email", "WhatsApp message". */
    name: string;
    /** How a failed If-Match names it ("The call changed since…"); `name` when not given. */
    noun?: string;
    /** Part of the cursor binding, so a cursor of one list cannot page another. */
    listKey: string;
    repo: ElementRepo<Row>;
    /** The event time the list is ordered by (`repo.list` orders by the same column). */
    timeOf: (row: Row) => Date;
    present: (row: Row) => Out;
  },
) {
  const { db, clock, cursors } = deps;
  const { repo, present } = spec;

  async function getRow(tx: Db, actor: Actor, id: string, lock = false): Promise<Row> {
    const row = await repo.find(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound(spec.name, id);
    return row;
  }

  /**
   * Runs a change of an existing element and recomputes its contact's attention. The contact is
   * locked before the element (the order every writer of a contact's communications uses, so two
   * of them cannot deadlock), and the version is checked on the element read under that lock.
   */
  async function change<R>(actor: Actor, id: string, ifMatch: number | undefined, write: (tx: Db, current: Row, now: Date) => Promise<R | Unchanged<R>>): Promise<R> {
    const now = clock.now();
    return db.transaction(async (tx) => {
      const peek = await getRow(tx, actor, id);
      const contact = await lockLiveContact(tx, actor.workspaceId, peek.contactId);
      const current = await getRow(tx, actor, id, true);
      checkVersion(spec.noun ?? spec.name, current, ifMatch);
      const result = await write(tx, current, now);
      if (result instanceof Unchanged) return result.value;
      await refreshAttention(tx, contact, now);
      return result;
    });
  }

  return {
    getRow,
    change,

    async get(actor: Actor, id: string): Promise<Out> {
      return present(await getRow(db, actor, id));
    },

    /** A contact's elements, newest first by event time (keyset). */
    async list(actor: Actor, contactId: string, q: ElementListQuery): Promise<Page<Out>> {
      await requireContact(db, actor.workspaceId, contactId, 'read');
      const { rows, nextCursor } = await pageByTime({
        cursors,
        binding: `${actor.workspaceId}|${spec.listKey}|${contactId}`,
        cursor: q.cursor,
        limit: q.limit,
        timeOf: spec.timeOf,
        fetch: (after, take) => repo.list(db, actor.workspaceId, contactId, after, take),
      });
      return { data: rows.map(present), nextCursor };
    },

    /** Deletes the record (not what was sent) and recomputes attention as if it had never been. */
    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      await change(actor, id, opts.ifMatch, (tx) => repo.remove(tx, actor.workspaceId, id));
    },
  };
}
