import { lockLiveContact, refreshAttention } from '../attention/attention.service.ts';
import { CONSENT_COLUMNS } from '../contacts/contacts.present.ts';
import type { ContactRow } from '../contacts/contacts.service.ts';
import type { Actor } from '../lib/actor.ts';
import { authorOf } from '../lib/authorship.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, fieldError } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import type { CursorCodec } from '../lib/pagination.ts';
import { isUniqueViolation } from '../lib/pg-errors.ts';
import type { Purpose } from './communications.tables.ts';

export type CommunicationsDeps = { db: Db; clock: Clock; cursors: CursorCodec };

/** Webhook clocks drift a little; an event further ahead than this is a client error. */
const FUTURE_SKEW_MS = 60_000;

/** The event time given (or now); one in the future would open windows and queues early. */
export function eventTime(value: string | undefined, now: Date, pointer: string): Date {
  if (value === undefined) return now;
  const at = new Date(value);
  if (at.getTime() > now.getTime() + FUTURE_SKEW_MS) {
    throw fieldError(pointer, 'in_future', `${value} is in the future; the server time is ${now.toISOString()}`);
  }
  return at;
}

/** The columns every new communication row starts with: its key, contact, author and times. */
export function newRow(actor: Actor, contactId: string, now: Date) {
  return { workspaceId: actor.workspaceId, id: uuidv7(now.getTime()), contactId, ...authorOf(actor), createdAt: now, updatedAt: now };
}

/**
 * Writes a communication of a contact and brings the contact's attention up to date, in one
 * transaction under the contact's lock (see `lockLiveContact`).
 */
export async function withContactAttention<R>(deps: CommunicationsDeps, actor: Actor, contactId: string, write: (tx: Db, contact: ContactRow) => Promise<R>): Promise<R> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const contact = await lockLiveContact(tx, actor.workspaceId, contactId);
    const result = await write(tx, contact);
    await refreshAttention(tx, contact, now);
    return result;
  });
}

/** Turns the unique index on a provider id into a 409 that names the field, instead of a 500. */
export async function uniqueProviderId<R>(code: string, pointer: string, value: string | null | undefined, write: () => Promise<R>): Promise<R> {
  try {
    return await write();
  } catch (err) {
    if (value && isUniqueViolation(err)) {
      throw new AppError(code, `${value} is already recorded in this workspace`, {
        status: 409,
        errors: [{ pointer, code: 'duplicate', message: 'already recorded' }],
      });
    }
    throw err;
  }
}

const CONSENT_FOR = {
  whatsapp: { transactional: 'transactionalWhatsapp', marketing: 'marketingWhatsapp' },
  email: { transactional: 'transactionalEmail', marketing: 'marketingEmail' },
} as const;

/** Sending is refused when the consent matching the channel and purpose is off. */
export function checkConsent(contact: ContactRow, channel: 'whatsapp' | 'email', purpose: Purpose): void {
  const consent = CONSENT_FOR[channel][purpose];
  if (!contact[CONSENT_COLUMNS[consent]]) {
    throw new AppError('consent_missing', `The contact has not given ${consent} consent, which a ${purpose} ${channel === 'email' ? 'email' : 'WhatsApp message'} needs`, {
      extra: { consent },
      errors: [{ pointer: '/purpose', code: 'consent_missing', message: `needs the ${consent} consent` }],
    });
  }
}
