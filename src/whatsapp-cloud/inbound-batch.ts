import type { WhatsappService } from '../communications/whatsapp.service.ts';
import { findContactRows, findIdentifierHoldersOf } from '../contacts/contact-rows.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { Connection, EventOutcome, IntegrationEventRow } from '../integrations/integrations.service.ts';
import { systemActor, type Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { inboundContent } from './whatsapp-message-content.ts';
import type { MessageEvent } from './whatsapp-payload.ts';

/**
 * The batched path of the WhatsApp job (issue 10): the inbound messages of a job that need no
 * media download, applied set-based in the job's one transaction — their senders found in one
 * query and the new ones created in one batch (`contacts.writeBatch`), the messages inserted in
 * one statement, attention and the window recomputed once per contact. The outcome of each event
 * is what the one-by-one path (`processMessage` in whatsapp-cloud.service.ts) would have given.
 *
 * Everything else is left to that path, event by event: statuses, media, a malformed message, a
 * phone number id that is not the integration's, a time in the future, a sender that names no
 * phone or user id, one whose contact is in the trash, and the rare sender whose identifiers
 * straddle two new contacts of the batch (they are applied after the batch, seeing its contacts).
 */

export type InboundBatchDeps = {
  db: Db;
  clock: Clock;
  contacts: Pick<ContactsService, 'writeBatch'>;
  whatsapp: Pick<WhatsappService, 'receiveMany' | 'recordedProviderIds'>;
};

type Planned = { event: IntegrationEventRow; ev: MessageEvent; body: string; phone?: string; userId?: string; contactId?: string };

const FUTURE_SKEW_MS = 60_000;
const DUPLICATE = 'already recorded (duplicate delivery)';

/** The sender's keys, as `contactFor` looks them up: phone (E.164 from the wa_id) first, then the WhatsApp user id. */
function senderOf(ev: MessageEvent): { phone?: string; userId?: string } {
  const waId = ev.message.from ?? ev.contact?.wa_id;
  const userId = ev.message.from_user_id ?? ev.contact?.user_id;
  return { phone: waId && /^\d{6,15}$/.test(waId) ? `+${waId}` : undefined, userId };
}

export function makeInboundBatch(deps: InboundBatchDeps) {
  const { db, clock } = deps;

  /** What the batch does with one event: plan it, settle it at once (a note), or leave it (undefined). */
  function classify(connection: Connection, event: IntegrationEventRow, now: Date): Planned | string | undefined {
    if (event.kind === 'ignored') return `field ${(event.payload as { field?: string }).field ?? '?'} is not handled; ignored`;
    if (event.kind !== 'message') return undefined;
    const ev = event.payload as MessageEvent;
    if (ev.phoneNumberId && connection.settings.phoneNumberId && ev.phoneNumberId !== connection.settings.phoneNumberId) return undefined;
    let content;
    try {
      content = inboundContent(ev.message);
    } catch {
      return undefined;
    }
    if (!content.record || content.media || content.body === null) return undefined;
    if (Number(ev.message.timestamp) * 1000 > now.getTime() + FUTURE_SKEW_MS) return undefined;
    const sender = senderOf(ev);
    if (!sender.phone && !sender.userId) return undefined;
    return { event, ev, body: content.body, ...sender };
  }

  /**
   * Finds each sender's contact (live contacts only, phone before user id) and creates the
   * missing ones, one per new sender, named after the first message's profile. Planned items
   * that cannot be settled here are returned for the one-by-one path.
   */
  async function resolveContacts(actor: Actor, connection: Connection, planned: Planned[]): Promise<Planned[]> {
    const ws = actor.workspaceId;
    const keysOf = (p: Planned) => [p.phone ? { kind: 'phone', value: p.phone } : null, p.userId ? { kind: 'whatsapp', value: p.userId } : null].filter((k): k is { kind: string; value: string } => k !== null);
    const held = await findIdentifierHoldersOf(db, ws, planned.flatMap(keysOf));
    const rows = await findContactRows(db, ws, [...new Set(held.map((h) => h.contactId))]);
    const live = new Set(rows.filter((r) => !r.deletedAt).map((r) => r.id));
    const holder = new Map(held.map((h) => [`${h.kind}:${h.value}`, h.contactId]));
    const left: Planned[] = [];

    // New senders, grouped by the key the first lookup uses; a group sharing a key with an earlier one waits.
    const groups = new Map<string, Planned[]>();
    const groupOfKey = new Map<string, string>();
    for (const p of planned) {
      const keys = keysOf(p).map((k) => `${k.kind}:${k.value}`);
      const found = keys.map((k) => holder.get(k)).find((id) => id && live.has(id));
      if (found) {
        p.contactId = found;
        continue;
      }
      // Held by a contact in the trash: the one-by-one path says what that comes to.
      if (keys.some((k) => holder.has(k))) {
        left.push(p);
        continue;
      }
      const group = keys[0]!;
      const others = new Set(keys.map((k) => groupOfKey.get(k)).filter((g): g is string => g !== undefined && g !== group));
      if (others.size > 0) {
        left.push(p);
        continue;
      }
      keys.forEach((k) => groupOfKey.set(k, group));
      groups.set(group, [...(groups.get(group) ?? []), p]);
    }
    const firsts = [...groups.values()].map((g) => g[0]!);
    const sourceDetail = `whatsapp:${connection.settings.phoneNumberId ?? connection.id}`;
    const itemOf = (p: Planned, withName: boolean) => {
      const name = withName ? p.ev.contact?.profile?.name?.trim().slice(0, 100) : undefined;
      return { phone: p.phone, whatsappUserId: p.userId, source: 'whatsapp' as const, sourceDetail, ...(name ? { firstName: name } : {}) };
    };
    let tries = firsts.map((p) => ({ p, withName: true }));
    for (let round = 0; round < 2 && tries.length > 0; round++) {
      const results = await deps.contacts.writeBatch(actor, tries.map((t) => itemOf(t.p, t.withName)), { mode: 'create' });
      const retry: typeof tries = [];
      results.forEach((r, i) => {
        const t = tries[i]!;
        if (r.status === 'created' && r.contactId) {
          for (const p of groups.get(keysOf(t.p).map((k) => `${k.kind}:${k.value}`)[0]!)!) p.contactId = r.contactId;
        } else if (r.problem?.code === 'validation_failed' && t.withName && itemOf(t.p, true).firstName) {
          // The display name did not pass: once more without it, as the one-by-one path does.
          retry.push({ p: t.p, withName: false });
        }
      });
      tries = retry;
    }
    for (const p of planned) if (!p.contactId && !left.includes(p)) left.push(p);
    return left;
  }

  return async function processBatch(connection: Connection, events: IntegrationEventRow[]): Promise<{ outcomes: EventOutcome[]; rest: IntegrationEventRow[] }> {
    const actor = systemActor(connection.workspaceId, connection.id);
    const now = clock.now();
    const outcomes: EventOutcome[] = [];
    const rest = new Set<IntegrationEventRow>();
    const planned: Planned[] = [];
    for (const event of events) {
      const c = classify(connection, event, now);
      if (c === undefined) rest.add(event);
      else if (typeof c === 'string') outcomes.push({ id: event.id, status: 'processed', reason: c });
      else planned.push(c);
    }

    // A message recorded before is a duplicate delivery; one that comes twice in this batch
    // (from two integrations) is recorded once here, and the second finds it one by one.
    const before = planned.length ? await deps.whatsapp.recordedProviderIds(systemActor(connection.workspaceId, connection.id), [...new Set(planned.map((p) => p.ev.message.id))]) : new Set<string>();
    const inBatch = new Set<string>();
    const fresh: Planned[] = [];
    for (const p of planned) {
      const id = p.ev.message.id;
      if (before.has(id)) outcomes.push({ id: p.event.id, status: 'processed', reason: DUPLICATE });
      else if (inBatch.has(id)) rest.add(p.event);
      else {
        inBatch.add(id);
        fresh.push(p);
      }
    }

    const left = fresh.length ? await resolveContacts(actor, connection, fresh) : [];
    for (const p of left) rest.add(p.event);
    const toRecord = fresh.filter((p) => !left.includes(p));
    const ids = await deps.whatsapp.receiveMany(
      actor,
      toRecord.map((p) => ({ contactId: p.contactId!, type: 'text' as const, body: p.body, providerMessageId: p.ev.message.id, sentAt: new Date(Number(p.ev.message.timestamp) * 1000) })),
    );
    toRecord.forEach((p, i) => outcomes.push({ id: p.event.id, status: 'processed', reason: `recorded ${p.ev.message.type} message ${ids[i]} of contact ${p.contactId}` }));
    // In the order received, as the one-by-one loop would have met them.
    return { outcomes, rest: events.filter((e) => rest.has(e)) };
  };
}
