import { requireContact } from '../contacts/require-contact.ts';
import { requireRole, type Actor } from '../lib/actor.ts';
import { authorOf, checkVersion, presentAuthor } from '../lib/authorship.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { notFound } from '../lib/errors.ts';
import type { ElementListQuery } from '../lib/http/element-schemas.ts';
import { uuidv7 } from '../lib/ids.ts';
import { pageNewestFirst } from '../lib/keyset-page.ts';
import type { CursorCodec, Page } from '../lib/pagination.ts';
import * as repo from './comments.repo.ts';
import type { Comment, CommentCreate, CommentUpdate } from './comments.schema.ts';
import type { CommentRow } from './comments.tables.ts';

export type CommentsDeps = { db: Db; clock: Clock; cursors: CursorCodec };

export function presentComment(row: CommentRow): Comment {
  return {
    id: row.id,
    contactId: row.contactId,
    body: row.body,
    author: presentAuthor(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: Number(row.version),
  };
}

/** A note is its author's words: others may change or remove it only as admin or owner. */
function requireAuthorOrAdmin(actor: Actor, row: CommentRow): void {
  if (authorOf(actor).authorId !== row.authorId) requireRole(actor, 'admin');
}

export function makeCommentsService(deps: CommentsDeps) {
  const { db, clock, cursors } = deps;

  async function getRow(tx: Db, actor: Actor, id: string, lock = false): Promise<CommentRow> {
    const row = await repo.findCommentRow(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound('Comment', id);
    return row;
  }

  return {
    /** Adds an internal note to a live contact, authored by the actor. */
    async create(actor: Actor, contactId: string, input: CommentCreate): Promise<Comment> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        await requireContact(tx, actor.workspaceId, contactId, 'write');
        const row = await repo.insertCommentRow(tx, {
          workspaceId: actor.workspaceId,
          id: uuidv7(now.getTime()),
          contactId,
          body: input.body,
          ...authorOf(actor),
          createdAt: now,
          updatedAt: now,
        });
        return presentComment(row);
      });
    },

    /** A comment of the actor's workspace (also of a contact in the trash). */
    async get(actor: Actor, id: string): Promise<Comment> {
      return presentComment(await getRow(db, actor, id));
    },

    /** A contact's comments, newest first (keyset). */
    async list(actor: Actor, contactId: string, q: ElementListQuery): Promise<Page<Comment>> {
      await requireContact(db, actor.workspaceId, contactId, 'read');
      const { rows, nextCursor } = await pageNewestFirst({
        cursors,
        binding: `${actor.workspaceId}|comments|${contactId}`,
        cursor: q.cursor,
        limit: q.limit,
        fetch: (after, take) => repo.listCommentRows(db, actor.workspaceId, contactId, after, take),
      });
      return { data: rows.map(presentComment), nextCursor };
    },

    /** Edits the text; the author stays the original one. */
    async update(actor: Actor, id: string, patch: CommentUpdate, opts: { ifMatch?: number } = {}): Promise<Comment> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion('comment', current, opts.ifMatch);
        requireAuthorOrAdmin(actor, current);
        const changes: Partial<CommentRow> = { updatedAt: now };
        if (patch.body !== undefined) changes.body = patch.body;
        return presentComment((await repo.updateCommentRow(tx, actor.workspaceId, id, changes))!);
      });
    },

    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      await db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion('comment', current, opts.ifMatch);
        requireAuthorOrAdmin(actor, current);
        await repo.deleteCommentRow(tx, actor.workspaceId, id);
      });
    },
  };
}

export type CommentsService = ReturnType<typeof makeCommentsService>;
