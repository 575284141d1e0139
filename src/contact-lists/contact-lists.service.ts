import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import type { CursorCodec } from '../lib/pagination.ts';
import type { ContactListQuery } from '../contacts/contacts.schema.ts';
import { listContacts } from './list-contacts.ts';

/**
 * The contact lists other features serve: `GET /v1/contacts` (contacts.routes.ts) and
 * `vixiees contacts list` reach the query engine through here, given to them by deps.ts, so the
 * contacts feature does not import contact-lists (which imports contacts).
 */
export function makeContactListsService(deps: { db: Db; clock: Clock; cursors: CursorCodec }) {
  const { db, clock, cursors } = deps;
  return {
    /** One keyset page of the workspace's contacts, filtered by the simple query parameters. */
    listContacts: (actor: Actor, q: ContactListQuery) => listContacts(db, cursors, actor, q, clock.now()),
  };
}
