import { requireContact } from '../contacts/require-contact.ts';
import { requireRole, type Actor } from '../lib/actor.ts';
import { authorOf, presentAuthor } from '../lib/authorship.ts';
import { contactElement, type ElementDeps } from '../lib/contact-element/contact-element.ts';
import { commentsRepo } from './comments.repo.ts';
import type { Comment, CommentCreate, CommentUpdate } from './comments.schema.ts';
import type { CommentRow } from './comments.tables.ts';

export type CommentsDeps = ElementDeps;

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
  const element = contactElement(deps, { name: 'Comment', listKey: 'comments', repo: commentsRepo, present: presentComment, requireContact, mayChange: requireAuthorOrAdmin });

  return {
    /** Adds an internal note to a live contact, authored by the actor. */
    async create(actor: Actor, contactId: string, input: CommentCreate): Promise<Comment> {
      return element.create(actor, contactId, () => ({ body: input.body }));
    },

    get: element.get,
    list: element.list,

    /** Edits the text; the author stays the original one. */
    async update(actor: Actor, id: string, patch: CommentUpdate, opts: { ifMatch?: number } = {}): Promise<Comment> {
      return element.update(actor, id, opts.ifMatch, () => (patch.body !== undefined ? { body: patch.body } : {}));
    },

    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      await element.remove(actor, id, opts);
    },
  };
}

export type CommentsService = ReturnType<typeof makeCommentsService>;
