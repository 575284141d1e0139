import type { Actor } from '../lib/actor.ts';
import { presentAuthor } from '../lib/authorship.ts';
import { communicationElement } from './communication-element.ts';
import { eventTime, newRow, withContactAttention, type CommunicationsDeps } from './communication-helpers.ts';
import { callsRepo } from './communications.repo.ts';
import type { Call, CallCreate, CallUpdate } from './communications.schema.ts';
import type { CallRow } from './communications.tables.ts';

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
  const { clock } = deps;
  const element = communicationElement(deps, {
    name: 'Call',
    noun: 'call',
    listKey: 'calls',
    repo: callsRepo,
    timeOf: (r: CallRow) => r.startedAt,
    present: presentCall,
  });

  return {
    /** Records a call; a missed inbound call makes the contact pending, any other call attends it. */
    async create(actor: Actor, contactId: string, input: CallCreate): Promise<Call> {
      const now = clock.now();
      const startedAt = eventTime(input.startedAt, now, '/startedAt');
      return withContactAttention(deps, actor, contactId, async (tx) =>
        presentCall(
          await callsRepo.insert(tx, {
            ...newRow(actor, contactId, now),
            direction: input.direction,
            outcome: input.outcome,
            startedAt,
            durationSeconds: input.durationSeconds ?? null,
            recordingUrl: input.recordingUrl ?? null,
          }),
        ),
      );
    },

    get: element.get,

    /** A contact's calls, newest first by start time (keyset). */
    list: element.list,

    /** Outcome, duration or recording changed (a call logged while ringing, then answered). */
    async update(actor: Actor, id: string, patch: CallUpdate, opts: { ifMatch?: number } = {}): Promise<Call> {
      return element.change(actor, id, opts.ifMatch, async (tx, _current, now) => {
        const changes: Partial<CallRow> = { updatedAt: now };
        if (patch.outcome !== undefined) changes.outcome = patch.outcome;
        if (patch.durationSeconds !== undefined) changes.durationSeconds = patch.durationSeconds;
        if (patch.recordingUrl !== undefined) changes.recordingUrl = patch.recordingUrl;
        return presentCall((await callsRepo.update(tx, actor.workspaceId, id, changes))!);
      });
    },

    /** Deleting a call recomputes attention as if it had never been recorded. */
    remove: element.remove,
  };
}

export type CallsService = ReturnType<typeof makeCallsService>;
