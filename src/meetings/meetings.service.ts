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
import * as repo from './meetings.repo.ts';
import type { Meeting, MeetingCreate, MeetingUpdate } from './meetings.schema.ts';
import type { MeetingRow } from './meetings.tables.ts';

export type MeetingsDeps = { db: Db; clock: Clock; cursors: CursorCodec };

export function presentMeeting(row: MeetingRow): Meeting {
  return {
    id: row.id,
    contactId: row.contactId,
    title: row.title,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    location: row.location,
    link: row.link,
    source: row.source,
    author: presentAuthor(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: Number(row.version),
  };
}

function checkSpan(startsAt: Date, endsAt: Date): void {
  if (endsAt.getTime() <= startsAt.getTime()) {
    throw validationFailed([{ pointer: '/endsAt', code: 'ends_before_start', message: 'must be after startsAt' }]);
  }
}

const emptyToNull = (v: string | null | undefined): string | null => (v ? v : null);

export function makeMeetingsService(deps: MeetingsDeps) {
  const { db, clock, cursors } = deps;

  async function getRow(tx: Db, actor: Actor, id: string, lock = false): Promise<MeetingRow> {
    const row = await repo.findMeetingRow(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound('Meeting', id);
    return row;
  }

  return {
    /** Records a meeting of a live contact; it must end after it starts. */
    async create(actor: Actor, contactId: string, input: MeetingCreate): Promise<Meeting> {
      const now = clock.now();
      const startsAt = new Date(input.startsAt);
      const endsAt = new Date(input.endsAt);
      checkSpan(startsAt, endsAt);
      return db.transaction(async (tx) => {
        await requireContact(tx, actor.workspaceId, contactId, 'write');
        const row = await repo.insertMeetingRow(tx, {
          workspaceId: actor.workspaceId,
          id: uuidv7(now.getTime()),
          contactId,
          title: input.title,
          startsAt,
          endsAt,
          location: emptyToNull(input.location),
          link: emptyToNull(input.link),
          source: input.source ?? 'manual',
          ...authorOf(actor),
          createdAt: now,
          updatedAt: now,
        });
        return presentMeeting(row);
      });
    },

    /** A meeting of the actor's workspace (also of a contact in the trash). */
    async get(actor: Actor, id: string): Promise<Meeting> {
      return presentMeeting(await getRow(db, actor, id));
    },

    /** A contact's meetings, newest recorded first (keyset). */
    async list(actor: Actor, contactId: string, q: ElementListQuery): Promise<Page<Meeting>> {
      await requireContact(db, actor.workspaceId, contactId, 'read');
      const { rows, nextCursor } = await pageNewestFirst({
        cursors,
        binding: `${actor.workspaceId}|meetings|${contactId}`,
        cursor: q.cursor,
        limit: q.limit,
        fetch: (after, take) => repo.listMeetingRows(db, actor.workspaceId, contactId, after, take),
      });
      return { data: rows.map(presentMeeting), nextCursor };
    },

    /** Partial update; the span is checked against the values the meeting will have. */
    async update(actor: Actor, id: string, patch: MeetingUpdate, opts: { ifMatch?: number } = {}): Promise<Meeting> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion('meeting', current, opts.ifMatch);
        const changes: Partial<MeetingRow> = { updatedAt: now };
        if (patch.title !== undefined) changes.title = patch.title;
        if (patch.startsAt !== undefined) changes.startsAt = new Date(patch.startsAt);
        if (patch.endsAt !== undefined) changes.endsAt = new Date(patch.endsAt);
        if (patch.location !== undefined) changes.location = emptyToNull(patch.location);
        if (patch.link !== undefined) changes.link = emptyToNull(patch.link);
        checkSpan(changes.startsAt ?? current.startsAt, changes.endsAt ?? current.endsAt);
        return presentMeeting((await repo.updateMeetingRow(tx, actor.workspaceId, id, changes))!);
      });
    },

    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      await db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion('meeting', current, opts.ifMatch);
        await repo.deleteMeetingRow(tx, actor.workspaceId, id);
      });
    },
  };
}

export type MeetingsService = ReturnType<typeof makeMeetingsService>;
