import { createHash } from 'node:crypto';
import type { ContactsService } from '../contacts/contacts.service.ts';
import { PermanentEventError, verifyCalendlySignature, type Connection, type IntegrationEventRow, type ProviderAdapter, type ProviderEvent } from '../integrations/integrations.service.ts';
import { findOrCreateLeadContact } from '../integrations/lead-contact.ts';
import type { MeetingsService } from '../meetings/meetings.service.ts';
import { systemActor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, statusOf } from '../lib/errors.ts';
import * as repo from './calendly.repo.ts';

/**
 * Calendly v2 `invitee.created` / `invitee.canceled` webhooks as an integrations provider: the
 * invitee becomes (or is found as) a contact with source `calendly`, the booking a meeting, and a
 * cancellation removes that meeting. Wire format: shared docs integrations.md §4.
 */
export type CalendlyDeps = {
  db: Db;
  clock: Clock;
  contacts: Pick<ContactsService, 'findByIdentifier' | 'create'>;
  meetings: Pick<MeetingsService, 'create' | 'remove'>;
};

type Invitee = {
  uri?: unknown;
  email?: unknown;
  name?: unknown;
  first_name?: unknown;
  last_name?: unknown;
  text_reminder_number?: unknown;
  scheduled_event?: { uri?: unknown; name?: unknown; start_time?: unknown; end_time?: unknown; event_type?: unknown; location?: { type?: unknown; location?: unknown; join_url?: unknown } | null } | null;
};

const HANDLED = new Set(['invitee.created', 'invitee.canceled']);
const str = (v: unknown, max = 500): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);

/** Cuts a verified delivery into its one event, keyed by the invitee URI and the event name. */
export function splitCalendly(raw: Buffer): ProviderEvent[] {
  const malformed = (reason: string): ProviderEvent[] => [
    { key: `malformed:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`, kind: 'malformed', payload: { body: raw.toString('utf8').slice(0, 2000) }, failed: reason },
  ];
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return malformed('the body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return malformed('the body is not a JSON object');
  const b = body as { event?: unknown; created_at?: unknown; payload?: Invitee };
  if (typeof b.event !== 'string' || !b.event) return malformed('event is missing');
  const uri = str(b.payload?.uri, 1000);
  if (!HANDLED.has(b.event)) return [{ key: `${uri ?? str(b.created_at) ?? 'none'}#${b.event}`.slice(0, 1100), kind: 'ignored', payload: body }];
  if (!uri) return malformed(`${b.event} without payload.uri`);
  return [{ key: `${uri}#${b.event}`, kind: b.event, payload: body }];
}

export function makeCalendlyProvider(deps: CalendlyDeps): ProviderAdapter {
  const { db, clock } = deps;

  async function contactFor(connection: Connection, inv: Invitee): Promise<{ id: string; created: boolean }> {
    const actor = systemActor(connection.workspaceId, connection.id);
    const email = str(inv.email, 320);
    if (!email) throw new PermanentEventError('the invitee has no email');
    const name = str(inv.name, 200);
    const [first, ...rest] = name?.split(/\s+/) ?? [];
    const eventType = str(inv.scheduled_event?.event_type, 400);
    const input = {
      email,
      firstName: str(inv.first_name, 200) ?? first,
      lastName: str(inv.last_name, 200) ?? (rest.length ? rest.join(' ') : undefined),
      source: 'calendly' as const,
      sourceDetail: eventType ? `event_type:${eventType.split('/').pop()}` : `calendly:${connection.id}`,
    };
    const phone = str(inv.text_reminder_number, 64);
    // Found by the email only: a reminder number is a weaker identity than the booking's email.
    const find = (withPhone: boolean) => findOrCreateLeadContact(deps.contacts, actor, { email }, () => (withPhone ? { ...input, phone } : input));
    try {
      const { contact, created } = await find(!!phone);
      return { id: contact.id, created };
    } catch (err) {
      if (!(err instanceof PermanentEventError) || !phone) throw err;
      // A reminder number that does not parse, or belongs to another contact, is not worth losing the booking for.
      const { contact, created } = await find(false);
      return { id: contact.id, created };
    }
  }

  async function created(connection: Connection, inv: Invitee): Promise<string> {
    const uri = String(inv.uri);
    const prior = await repo.findBooking(db, connection.workspaceId, connection.id, uri);
    if (prior && !prior.meetingId) return 'the invitee was canceled before this booking arrived; no meeting';
    if (prior) return `already recorded as meeting ${prior.meetingId}`;
    const ev = inv.scheduled_event;
    const startsAt = new Date(String(ev?.start_time ?? ''));
    const endsAt = new Date(String(ev?.end_time ?? ''));
    if (!ev || Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) throw new PermanentEventError('scheduled_event with start_time and end_time is missing');
    const contact = await contactFor(connection, inv);
    const actor = systemActor(connection.workspaceId, connection.id);
    const joinUrl = str(ev.location?.join_url, 500);
    const place = str(ev.location?.location, 500) ?? str(ev.location?.type, 500);
    const meeting = await deps.meetings.create(actor, contact.id, {
      title: str(ev.name) ?? 'Calendly meeting',
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      location: place ?? null,
      link: joinUrl && /^https?:\/\//i.test(joinUrl) ? joinUrl : null,
      source: 'calendly',
    });
    if (!(await repo.insertBooking(db, { workspaceId: connection.workspaceId, integrationId: connection.id, inviteeUri: uri, meetingId: meeting.id, createdAt: clock.now() }))) {
      // A concurrent run of the same event (a worker and a replay), or the invitee's cancellation,
      // recorded it first: ours goes.
      await deps.meetings.remove(actor, meeting.id);
      return `already recorded (concurrent run or early cancellation); meeting ${meeting.id} withdrawn`;
    }
    return `${contact.created ? 'created' : 'found'} contact ${contact.id}; meeting ${meeting.id}`;
  }

  async function canceled(connection: Connection, inv: Invitee): Promise<string> {
    const uri = String(inv.uri);
    const booking = await repo.findBooking(db, connection.workspaceId, connection.id, uri);
    if (!booking) {
      // Out of order: kept, so the booking that follows makes no meeting.
      if (await repo.insertEarlyCancel(db, { workspaceId: connection.workspaceId, integrationId: connection.id, inviteeUri: uri, at: clock.now() })) return 'canceled before its booking arrived; kept so the booking makes no meeting';
      return canceled(connection, inv);
    }
    if (!booking.meetingId) return 'already canceled before its booking arrived';
    if (booking.canceledAt) return `meeting ${booking.meetingId} already removed`;
    const actor = systemActor(connection.workspaceId, connection.id);
    try {
      await deps.meetings.remove(actor, booking.meetingId);
    } catch (err) {
      if (!(err instanceof AppError && statusOf(err) === 404)) throw err;
    }
    await repo.markCanceled(db, connection.workspaceId, connection.id, uri, clock.now());
    return `meeting ${booking.meetingId} removed (invitee canceled)`;
  }

  return {
    verify: (connection, raw, headers) =>
      verifyCalendlySignature([connection.secrets.signingKey ?? '', connection.secrets.signingKeyPrevious ?? ''], raw, headers['calendly-webhook-signature'], Math.floor(clock.now().getTime() / 1000)),
    split: splitCalendly,
    async process(connection, event: IntegrationEventRow) {
      const inv = ((event.payload as { payload?: Invitee }).payload ?? {}) as Invitee;
      if (event.kind === 'invitee.created') return created(connection, inv);
      if (event.kind === 'invitee.canceled') return canceled(connection, inv);
      if (event.kind === 'ignored') return `event ${String((event.payload as { event?: unknown }).event)} is not handled; ignored`;
      throw new PermanentEventError(`unknown event kind ${event.kind}`);
    },
  };
}
