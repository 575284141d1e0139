import type { Actor } from './actor.ts';
import { AppError } from './errors.ts';

/** The author columns every contact element stores: who acted, as in `contact_events`. */
export const authorOf = (actor: Actor) => ({ authorType: actor.type, authorId: actor.userId ?? actor.principalId });

export const presentAuthor = (row: { authorType: string; authorId: string | null }) => ({
  type: row.authorType as Actor['type'],
  id: row.authorId,
});

/** `If-Match` guard: a stale version is a 412 carrying the current ETag. */
export function checkVersion(what: string, row: { version: number }, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && Number(row.version) !== ifMatch) {
    throw new AppError('precondition_failed', `The ${what} changed since you read it: it is at version ${row.version}, not ${ifMatch}`, {
      extra: { currentVersion: Number(row.version), etag: `"${row.version}"` },
    });
  }
}
