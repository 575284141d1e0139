import { isDeepStrictEqual } from 'node:util';
import type { CallsService } from '../communications/calls.service.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import { normalisePhone } from '../contacts/identifiers.ts';
import { PermanentEventError, type Connection } from '../integrations/integrations.service.ts';
import { systemActor, type Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, statusOf } from '../lib/errors.ts';
import * as repo from './telephony.repo.ts';
import { emptyCallState, type TelephonyCallState } from './telephony.schema.ts';

/**
 * Provider calls (Twilio, Aircall) into the CRM's call records. Each callback is folded into the
 * call's merged state under a row lock; the state is then written through the same calls
 * service the API uses, so pending attention and the timeline follow. Callbacks arrive in any
 * order and any number of times: the fold is monotonic and the record is brought up to the
 * newest state, whoever writes last (see `apply`).
 */
export type TelephonyDeps = {
  db: Db;
  clock: Clock;
  calls: Pick<CallsService, 'create' | 'get' | 'update' | 'remove'>;
  contacts: Pick<ContactsService, 'findByIdentifier' | 'create'>;
  defaultCountry: (workspaceId: string) => Promise<string>;
};

/** How many times a run re-applies when other runs changed the state meanwhile. */
const MAX_ROUNDS = 5;

export function makeTelephonyService(deps: TelephonyDeps) {
  const { db, clock } = deps;

  async function fold(key: repo.CallKey, change: (state: TelephonyCallState) => TelephonyCallState): Promise<void> {
    const now = clock.now();
    await db.transaction(async (tx) => {
      await repo.ensureCall(tx, key, now);
      const row = (await repo.findCall(tx, key, true))!;
      const before = row.state ?? emptyCallState();
      const after = change(structuredClone(before));
      if (row.state && isDeepStrictEqual(before, after)) return;
      await repo.saveState(tx, key, after, Number(row.version) + 1, now);
    });
  }

  /** The contact on the other end: found by its number (E.164), else created with source `call`. */
  async function contactFor(actor: Actor, state: TelephonyCallState, sourceDetail: string): Promise<string> {
    const raw = state.number ?? '';
    if (!/\d{5,}/.test(raw.replace(/\D/g, ''))) throw new PermanentEventError(`the other party's number (${raw.slice(0, 40) || 'none'}) is hidden or not a phone number`);
    const country = state.numberCountry ?? (await deps.defaultCountry(actor.workspaceId));
    const phone = normalisePhone(raw, country);
    if (!phone.ok) throw new PermanentEventError(`the other party's number: ${phone.message}`);
    const find = () => deps.contacts.findByIdentifier(actor, 'phone', phone.value);
    const found = await find();
    if (found) return found.id;
    try {
      return (await deps.contacts.create(actor, { phone: phone.value, source: 'call', sourceDetail })).id;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const raced = await find();
      if (raced) return raced.id;
      throw new PermanentEventError(`the contact could not be created: ${err.message}`);
    }
  }

  /** The record's fields from the state; a start ahead of our clock is taken as now. */
  function fieldsOf(state: TelephonyCallState) {
    const now = clock.now();
    const started = state.startedAt ? new Date(state.startedAt) : now;
    return {
      outcome: state.outcome!,
      durationSeconds: state.durationSeconds === null ? null : Math.min(86_400, Math.max(0, Math.round(state.durationSeconds))),
      recordingUrl: state.recordingUrl,
      startedAt: (Number.isNaN(started.getTime()) || started > now ? now : started).toISOString(),
    };
  }

  /**
   * Brings the call record up to the merged state. Whoever writes the record reads the state's
   * version again afterwards and goes round once more when it moved, so the last write always
   * carries the newest state. Two first runs both create a record: the one that links it first
   * keeps it, the other withdraws its own.
   */
  async function apply(key: repo.CallKey, actor: Actor, sourceDetail: string): Promise<string> {
    let note = 'nothing to change';
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const row = await repo.findCall(db, key);
      const state = row?.state;
      if (!row || !state?.outcome || !state.direction) return 'waiting for the call to end';
      const fields = fieldsOf(state);
      if (!row.callId) {
        const contactId = await contactFor(actor, state, sourceDetail);
        const call = await deps.calls.create(actor, contactId, { direction: state.direction, ...fields });
        if (!(await repo.claimCallRecord(db, key, call.id))) {
          await deps.calls.remove(actor, call.id);
          continue;
        }
        note = `call ${call.id} recorded (${state.direction}, ${state.outcome}) for contact ${contactId}`;
      } else {
        let current;
        try {
          current = await deps.calls.get(actor, row.callId);
        } catch (err) {
          if (err instanceof AppError && statusOf(err) === 404) return `call ${row.callId} was deleted in the CRM; not recorded again`;
          throw err;
        }
        const patch: { outcome?: typeof fields.outcome; durationSeconds?: number | null; recordingUrl?: string | null } = {};
        if (current.outcome !== fields.outcome) patch.outcome = fields.outcome;
        if (current.durationSeconds !== fields.durationSeconds) patch.durationSeconds = fields.durationSeconds;
        if (current.recordingUrl !== fields.recordingUrl) patch.recordingUrl = fields.recordingUrl;
        if (Object.keys(patch).length) {
          try {
            await deps.calls.update(actor, row.callId, patch);
          } catch (err) {
            if (err instanceof AppError && statusOf(err) === 404) return `call ${row.callId} or its contact was deleted in the CRM; not updated`;
            throw err;
          }
          note = `call ${row.callId} updated (${Object.keys(patch).join(', ')})`;
        } else if (round === 0) note = `call ${row.callId} already up to date`;
      }
      const after = await repo.findCall(db, key);
      if (Number(after?.version) === Number(row.version)) return note;
    }
    return note;
  }

  return {
    /**
     * One callback of a provider call: `change` folds it into the call's state (it must be
     * monotonic: applying it twice, or in another order with the others, gives the same state),
     * then the call record follows. Returns a note for the event log.
     */
    async record(connection: Connection, providerCallId: string, change: (state: TelephonyCallState) => TelephonyCallState, sourceDetail: string): Promise<string> {
      const key = { workspaceId: connection.workspaceId, integrationId: connection.id, providerCallId };
      await fold(key, change);
      return apply(key, systemActor(connection.workspaceId, connection.id), sourceDetail);
    },
  };
}

export type TelephonyService = ReturnType<typeof makeTelephonyService>;
export type { TelephonyCallState } from './telephony.schema.ts';
