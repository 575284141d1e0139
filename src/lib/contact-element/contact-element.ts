import type { Actor } from '../actor.ts';
import { authorOf, checkVersion } from '../authorship.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db.ts';
import { notFound } from '../errors.ts';
import type { ElementListQuery } from '../http/element-schemas.ts';
import { uuidv7 } from '../ids.ts';
import { pageNewestFirst } from '../keyset-page.ts';
import type { CursorCodec, Page } from '../pagination.ts';
import type { ElementRepo } from './element-repo.ts';

/** The tenancy 404 of the owning contact (contacts' `requireContact`, passed in: lib imports no feature). */
export type RequireContact = (tx: Db, workspaceId: string, contactId: string, mode: 'read' | 'write') => Promise<void>;

export type ElementDeps = { db: Db; clock: Clock; cursors: CursorCodec };

type ElementRow = { id: string; contactId: string; version: number; authorId: string | null; createdAt: Date };
/** What `create` fills in itself: the key, the author and the times. */
type Stamped = 'workspaceId' | 'id' | 'contactId' | 'authorType' | 'authorId' | 'createdAt' | 'updatedAt';

/**
 * What deals, tasks, meetings, comments and documents share: created on a live contact of the
 * actor's workspace with its author and times, read (also when the contact is in the trash),
 * listed newest first by keyset, changed and deleted under a row lock with If-Match. A feature
 * keeps only its own rules: which fields it stores and how a change may alter them.
 */
export function contactElement<Row extends ElementRow, Insert extends object, Out>(
  deps: ElementDeps,
  spec: {
    /** How problems name it: "Deal" (404), and "deal" in a failed If-Match. */
    name: string;
    /** Part of the cursor binding, so a cursor of one list cannot page another. */
    listKey: string;
    repo: ElementRepo<Row, Insert>;
    present: (row: Row) => Out;
    requireContact: RequireContact;
    /** A rule on who may change or delete a row (e.g. only its author or an admin); throws to refuse. */
    mayChange?: (actor: Actor, row: Row) => void;
  },
) {
  const { db, clock, cursors } = deps;
  const { repo, present } = spec;
  const noun = spec.name.toLowerCase();

  async function getRow(tx: Db, actor: Actor, id: string, lock = false): Promise<Row> {
    const row = await repo.find(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound(spec.name, id);
    return row;
  }

  /** The row locked for update, its version checked and the change allowed. */
  async function lockForChange(tx: Db, actor: Actor, id: string, ifMatch: number | undefined): Promise<Row> {
    const current = await getRow(tx, actor, id, true);
    checkVersion(noun, current, ifMatch);
    spec.mayChange?.(actor, current);
    return current;
  }

  return {
    getRow,

    /**
     * Creates an element on a live contact. `fields(tx, now)` gives the feature's own columns
     * (it may check them against the database in the same transaction).
     */
    async create(actor: Actor, contactId: string, fields: (tx: Db, now: Date) => Promise<Omit<Insert, Stamped>> | Omit<Insert, Stamped>): Promise<Out> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        await spec.requireContact(tx, actor.workspaceId, contactId, 'write');
        const own = await fields(tx, now);
        const row = await repo.insert(tx, {
          ...own,
          workspaceId: actor.workspaceId,
          id: uuidv7(now.getTime()),
          contactId,
          ...authorOf(actor),
          createdAt: now,
          updatedAt: now,
        } as unknown as Insert);
        return present(row);
      });
    },

    /** One element of the actor's workspace (also of a contact in the trash). */
    async get(actor: Actor, id: string): Promise<Out> {
      return present(await getRow(db, actor, id));
    },

    /** A contact's elements, newest first (keyset). */
    async list(actor: Actor, contactId: string, q: ElementListQuery): Promise<Page<Out>> {
      await spec.requireContact(db, actor.workspaceId, contactId, 'read');
      const { rows, nextCursor } = await pageNewestFirst({
        cursors,
        binding: `${actor.workspaceId}|${spec.listKey}|${contactId}`,
        cursor: q.cursor,
        limit: q.limit,
        fetch: (after, take) => repo.list(db, actor.workspaceId, contactId, after, take),
      });
      return { data: rows.map(present), nextCursor };
    },

    /**
     * A partial update: `changes(tx, current, now)` turns the patch into column changes (and
     * checks them against the values the row will have); `updatedAt` and the version move here.
     */
    async update(actor: Actor, id: string, ifMatch: number | undefined, changes: (tx: Db, current: Row, now: Date) => Promise<Partial<Insert>> | Partial<Insert>): Promise<Out> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await lockForChange(tx, actor, id, ifMatch);
        const set = await changes(tx, current, now);
        return present((await repo.update(tx, actor.workspaceId, id, { ...set, updatedAt: now }))!);
      });
    },

    /** Deletes one element and returns the row it was (for clean-up after the commit, e.g. a file). */
    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<Row> {
      return db.transaction(async (tx) => {
        const current = await lockForChange(tx, actor, id, opts.ifMatch);
        await repo.remove(tx, actor.workspaceId, id);
        return current;
      });
    },
  };
}
