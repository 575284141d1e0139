import { lockLiveContact, refreshAttention } from '../attention/attention.service.ts';
import { requireContact } from '../contacts/require-contact.ts';
import type { Actor } from '../lib/actor.ts';
import { authorOf, checkVersion, presentAuthor } from '../lib/authorship.ts';
import type { Db } from '../lib/db.ts';
import { notFound } from '../lib/errors.ts';
import type { ElementListQuery } from '../lib/http/element-schemas.ts';
import { uuidv7 } from '../lib/ids.ts';
import type { Page } from '../lib/pagination.ts';
import { eventTime, withContactAttention, type CommunicationsDeps } from './communication-helpers.ts';
import { callsRepo } from './communications.repo.ts';
import type { Call, CallCreate, CallUpdate } from './communications.schema.ts';
import type { CallRow } from './communications.tables.ts';
import { pageByEventTime } from './page-by-time.ts';

export function presentCall(row: CallRow): Call {
  return {
    id: row.id,
    contactId: row.contactId,
    direction: row.direction,
    outcome: row.outcome,
    startedAt: row.startedAt.toISOString(),
    durationSeconds: row.durationSeconds,
    recordingUrl: row.recordingUrl,
    author: presentAuthor(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: Number(row.version),
  };
}

export function makeCallsService(deps: CommunicationsDeps) {
  const { db, clock, cursors } = deps;

  async function getRow(tx: Db, actor: Actor, id: string, lock = false): Promise<CallRow> {
    const row = await callsRepo.find(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound('Call', id);
    return row;
  }

  /** Runs a change of an existing call under its contact's lock and recomputes attention. */
  async function changeCall<R>(actor: Actor, id: string, ifMatch: number | undefined, change: (tx: Db, current: CallRow) => Promise<R>): Promise<R> {
    const now = clock.now();
    return db.transaction(async (tx) => {
      const peek = await getRow(tx, actor, id);
      const contact = await lockLiveContact(tx, actor.workspaceId, peek.contactId);
      const current = await getRow(tx, actor, id, true);
      checkVersion('call', current, ifMatch);
      const result = await change(tx, current);
      await refreshAttention(tx, contact, now);
      return result;
    });
  }

  return {
    /** Records a call; a missed inbound call makes the contact pending, any other call attends it. */
    async create(actor: Actor, contactId: string, input: CallCreate): Promise<Call> {
      const now = clock.now();
      const startedAt = eventTime(input.startedAt, now, '/startedAt');
      return withContactAttention(deps, actor, contactId, async (tx) =>
        presentCall(
          await callsRepo.insert(tx, {
            workspaceId: actor.workspaceId,
            id: uuidv7(now.getTime()),
            contactId,
            direction: input.direction,
            outcome: input.outcome,
            startedAt,
            durationSeconds: input.durationSeconds ?? null,
            recordingUrl: input.recordingUrl ?? null,
            ...authorOf(actor),
            createdAt: now,
            updatedAt: now,
          }),
        ),
      );
    },

    async get(actor: Actor, id: string): Promise<Call> {
      return presentCall(await getRow(db, actor, id));
    },

    /** A contact's calls, newest first by start time (keyset). */
    async list(actor: Actor, contactId: string, q: ElementListQuery): Promise<Page<Call>> {
      await requireContact(db, actor.workspaceId, contactId, 'read');
      const { rows, nextCursor } = await pageByEventTime({
        cursors,
        binding: `${actor.workspaceId}|calls|${contactId}`,
        cursor: q.cursor,
        limit: q.limit,
        timeOf: (r: CallRow) => r.startedAt,
        fetch: (after, take) => callsRepo.list(db, actor.workspaceId, contactId, after, take),
      });
      return { data: rows.map(presentCall), nextCursor };
    },

    /** Outcome, duration or recording changed (a call logged while ringing, then answered). */
    async update(actor: Actor, id: string, patch: CallUpdate, opts: { ifMatch?: number } = {}): Promise<Call> {
      const now = clock.now();
      return changeCall(actor, id, opts.ifMatch, async (tx) => {
        const changes: Partial<CallRow> = { updatedAt: now };
        if (patch.outcome !== undefined) changes.outcome = patch.outcome;
        if (patch.durationSeconds !== undefined) changes.durationSeconds = patch.durationSeconds;
        if (patch.recordingUrl !== undefined) changes.recordingUrl = patch.recordingUrl;
        return presentCall((await callsRepo.update(tx, actor.workspaceId, id, changes))!);
      });
    },

    /** Deleting a call recomputes attention as if it had never been recorded. */
    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      await changeCall(actor, id, opts.ifMatch, (tx) => callsRepo.remove(tx, actor.workspaceId, id));
    },
  };
}

export type CallsService = ReturnType<typeof makeCallsService>;
