import { requireContact } from '../contacts/require-contact.ts';
import type { Actor } from '../lib/actor.ts';
import { presentAuthor } from '../lib/authorship.ts';
import { contactElement, type ElementDeps } from '../lib/contact-element/contact-element.ts';
import { validationFailed } from '../lib/errors.ts';
import { meetingsRepo } from './meetings.repo.ts';
import type { Meeting, MeetingCreate, MeetingUpdate } from './meetings.schema.ts';
import type { MeetingRow } from './meetings.tables.ts';

export type MeetingsDeps = ElementDeps;

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
  const element = contactElement(deps, { name: 'Meeting', listKey: 'meetings', repo: meetingsRepo, present: presentMeeting, requireContact });

  return {
    /** Records a meeting of a live contact; it must end after it starts. */
    async create(actor: Actor, contactId: string, input: MeetingCreate): Promise<Meeting> {
      const startsAt = new Date(input.startsAt);
      const endsAt = new Date(input.endsAt);
      checkSpan(startsAt, endsAt);
      return element.create(actor, contactId, () => ({
        title: input.title,
        startsAt,
        endsAt,
        location: emptyToNull(input.location),
        link: emptyToNull(input.link),
        source: input.source ?? 'manual',
      }));
    },

    get: element.get,
    /** A contact's meetings, newest recorded first (keyset). */
    list: element.list,

    /** Partial update; the span is checked against the values the meeting will have. */
    async update(actor: Actor, id: string, patch: MeetingUpdate, opts: { ifMatch?: number } = {}): Promise<Meeting> {
      return element.update(actor, id, opts.ifMatch, (_tx, current) => {
        const changes: Partial<MeetingRow> = {};
        if (patch.title !== undefined) changes.title = patch.title;
        if (patch.startsAt !== undefined) changes.startsAt = new Date(patch.startsAt);
        if (patch.endsAt !== undefined) changes.endsAt = new Date(patch.endsAt);
        if (patch.location !== undefined) changes.location = emptyToNull(patch.location);
        if (patch.link !== undefined) changes.link = emptyToNull(patch.link);
        checkSpan(changes.startsAt ?? current.startsAt, changes.endsAt ?? current.endsAt);
        return changes;
      });
    },

    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      await element.remove(actor, id, opts);
    },
  };
}

export type MeetingsService = ReturnType<typeof makeMeetingsService>;
