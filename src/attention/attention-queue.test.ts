import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { systemActor } from '../lib/actor.ts';
import { fixedClock } from '../lib/clock.ts';
import { queryRows } from '../lib/db.ts';

const clock = fixedClock('2026-11-24T12:00:00.000Z');
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
  other = await t.workspace();
});
afterAll(() => t.close());

const newContact = async (w: TestWorkspace = ws, extra: Record<string, unknown> = {}) => {
  const res = await w.req('POST', '/v1/contacts', { phone: `+3464${String(1_000_000 + ++seq).padStart(7, '0')}`, ...extra });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const at = (minute: number) => new Date(Date.parse('2026-11-24T09:00:00.000Z') + minute * 60_000).toISOString();
const inboundEmail = (w: TestWorkspace, id: string, minute: number) => w.req('POST', `/v1/contacts/${id}/emails`, { direction: 'inbound', subject: 'Hola', sentAt: at(minute) });
const missedCall = (w: TestWorkspace, id: string, minute: number) => w.req('POST', `/v1/contacts/${id}/calls`, { direction: 'inbound', outcome: 'missed', startedAt: at(minute) });

describe('random event orders', () => {
  type Ev = { kind: 'wa_in' | 'email_in' | 'email_out' | 'call_missed' | 'call_answered' | 'call_out'; minute: number };
  const evArb = fc.record({
    kind: fc.constantFrom<Ev['kind']>('wa_in', 'email_in', 'email_out', 'call_missed', 'call_answered', 'call_out'),
    minute: fc.integer({ min: 0, max: 120 }),
  });
  const recordEv = async (id: string, e: Ev) => {
    const s = at(e.minute);
    const res =
      e.kind === 'wa_in' ? await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', body: 'x', sentAt: s })
      : e.kind === 'email_in' ? await ws.req('POST', `/v1/contacts/${id}/emails`, { direction: 'inbound', sentAt: s })
      : e.kind === 'email_out' ? await ws.req('POST', `/v1/contacts/${id}/emails`, { direction: 'outbound', sentAt: s })
      : await ws.req('POST', `/v1/contacts/${id}/calls`, { direction: e.kind === 'call_out' ? 'outbound' : 'inbound', outcome: e.kind === 'call_missed' ? 'missed' : 'answered', startedAt: s });
    expect(res.status).toBe(201);
  };
  const stateOf = async (id: string) => {
    const c = (await ws.req('GET', `/v1/contacts/${id}`)).body;
    return { attention: c.pendingAttention, window: c.whatsappWindow };
  };

  it('give the same final attention and window as time order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(evArb, { minLength: 1, maxLength: 7 }).chain((evs) => fc.tuple(fc.constant(evs), fc.shuffledSubarray(evs, { minLength: evs.length, maxLength: evs.length }))), async ([events, shuffled]) => {
        const inOrder = await newContact();
        for (const e of [...events].sort((a, b) => a.minute - b.minute)) await recordEv(inOrder, e);
        const outOfOrder = await newContact();
        for (const e of shuffled) await recordEv(outOfOrder, e);
        expect(await stateOf(outOfOrder)).toEqual(await stateOf(inOrder));
      }),
      { numRuns: 25 },
    );
    // Up to 400 real requests: on a loaded 2-core machine that can pass the default 30 s.
  }, 180_000);
});

describe('concurrent events for one contact', () => {
  it('are applied one at a time under the contact lock and end in the time-order state', async () => {
    const id = await newContact();
    const reference = await newContact();
    const events = [
      () => inboundEmail(ws, id, 10),
      () => missedCall(ws, id, 20),
      () => ws.req('POST', `/v1/contacts/${id}/emails`, { direction: 'outbound', sentAt: at(15) }),
      () => ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', body: 'x', sentAt: at(30) }),
      () => inboundEmail(ws, id, 5),
    ];
    const results = await Promise.all(events.map((e) => e()));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    await inboundEmail(ws, reference, 5);
    await inboundEmail(ws, reference, 10);
    await ws.req('POST', `/v1/contacts/${reference}/emails`, { direction: 'outbound', sentAt: at(15) });
    await missedCall(ws, reference, 20);
    await ws.req('POST', `/v1/contacts/${reference}/whatsapp-messages`, { direction: 'inbound', body: 'x', sentAt: at(30) });
    const [a, b] = [(await ws.req('GET', `/v1/contacts/${id}`)).body, (await ws.req('GET', `/v1/contacts/${reference}`)).body];
    expect(a.pendingAttention).toEqual({ pending: true, reasons: [{ reason: 'call', since: at(20) }, { reason: 'whatsapp', since: at(30) }] });
    expect(a.pendingAttention).toEqual(b.pendingAttention);
  });
});

describe('the attention queue', () => {
  let q: TestWorkspace;
  let member: string;
  const ids: string[] = [];
  beforeAll(async () => {
    q = await t.workspace();
    const user = await t.deps.services.workspaces.createUser(systemActor(q.id), { email: 'ana@example.com', name: 'Ana', role: 'member' });
    member = user.id;
    // Five pending contacts, waiting since minutes 50, 40, 30, 20, 10; the even ones owned by Ana.
    for (let i = 0; i < 5; i++) {
      const id = await newContact(q, i % 2 === 0 ? { ownerId: member } : {});
      ids.push(id);
      if (i % 2 === 0) await missedCall(q, id, 50 - i * 10);
      else await inboundEmail(q, id, 50 - i * 10);
    }
    const answered = await newContact(q);
    await inboundEmail(q, answered, 0);
    await q.req('POST', `/v1/contacts/${answered}/emails`, { direction: 'outbound', sentAt: at(1) });
    const ignored = await newContact(q);
    await inboundEmail(q, ignored, 0);
    await q.req('POST', `/v1/contacts/${ignored}/ignore`);
  });

  it('lists pending contacts longest waiting first, without answered or ignored ones', async () => {
    const res = await q.req('GET', '/v1/attention-queue');
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
    expect(res.body.data[0].pendingAttention).toEqual({ pending: true, reasons: [{ reason: 'call', since: at(10) }] });
    expect(res.body.nextCursor).toBeNull();
  });

  it('filters by owner and by reason', async () => {
    const byOwner = await q.req('GET', `/v1/attention-queue?ownerId=${member}`);
    expect(byOwner.body.data.map((c: { id: string }) => c.id)).toEqual([ids[4], ids[2], ids[0]]);
    const calls = await q.req('GET', '/v1/attention-queue?reason=call');
    expect(calls.body.data.map((c: { id: string }) => c.id)).toEqual([ids[4], ids[2], ids[0]]);
    const emails = await q.req('GET', '/v1/attention-queue?reason=email');
    expect(emails.body.data.map((c: { id: string }) => c.id)).toEqual([ids[3], ids[1]]);
    expect((await q.req('GET', '/v1/attention-queue?reason=whatsapp')).body.data).toEqual([]);
  });

  it('pages with a keyset cursor bound to its filters', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { id: string }[]; nextCursor: string | null } } = await q.req('GET', `/v1/attention-queue?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.data.map((c) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const first = await q.req('GET', '/v1/attention-queue?limit=2');
    const foreign = await q.req('GET', `/v1/attention-queue?limit=2&reason=call&cursor=${first.body.nextCursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('invalid_cursor');
    expect((await q.req('GET', '/v1/attention-queue?reason=sms')).status).toBe(400);
  });

  it('never shows another workspace its contacts', async () => {
    const theirs = await newContact(other);
    expect((await missedCall(other, theirs, 0)).status).toBe(201);
    // Their queue holds exactly their own pending contact, none of these five.
    expect((await other.req('GET', '/v1/attention-queue')).body.data.map((c: { id: string }) => c.id)).toEqual([theirs]);
  });

  it('is answered from the partial index that leads with workspace_id', async () => {
    // Tiny tables may be scanned sequentially; force the planner's hand to prove the index serves it.
    await t.database.session(async (raw) => {
      await raw('SET enable_seqscan = off', []);
      const forced = await raw(`EXPLAIN SELECT * FROM contacts WHERE workspace_id = '${q.id}' AND attention_since IS NOT NULL AND deleted_at IS NULL ORDER BY attention_since, id LIMIT 51`, []);
      await raw('SET enable_seqscan = on', []);
      expect(forced.rows.map((r) => Object.values(r)[0]).join('\n')).toMatch(/contacts_attention_queue/);
    });
  });
});

describe('notifications', () => {
  it('notify the owner when a contact becomes pending, once, and the workspace when it has no owner', async () => {
    const n = await t.workspace();
    const owned = await newContact(n, { ownerId: n.ownerId });
    await missedCall(n, owned, 0);
    await inboundEmail(n, owned, 1); // already pending: no second notification
    const unowned = await newContact(n);
    await inboundEmail(n, unowned, 2);
    const list = await n.req('GET', '/v1/notifications');
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.data.find((x: { contactId: string }) => x.contactId === owned)).toMatchObject({ type: 'contact.pending_attention', userId: n.ownerId, readAt: null, data: { reasons: [{ reason: 'call', since: at(0) }] } });
    expect(list.body.data.find((x: { contactId: string }) => x.contactId === unowned)).toMatchObject({ userId: null });
    // Answered, then pending again: a new notification.
    await n.req('POST', `/v1/contacts/${owned}/emails`, { direction: 'outbound', sentAt: at(3) });
    await inboundEmail(n, owned, 4);
    expect((await n.req('GET', '/v1/notifications')).body.data).toHaveLength(3);
  });

  it('are never raised for an ignored contact', async () => {
    const n = await t.workspace();
    const id = await newContact(n, { ownerId: n.ownerId });
    expect((await n.req('POST', `/v1/contacts/${id}/ignore`)).status).toBe(200);
    // The events are recorded (so there was something to notify about), and still nothing is raised.
    expect((await missedCall(n, id, 0)).status).toBe(201);
    expect((await n.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', body: 'x', sentAt: at(1) })).status).toBe(201);
    expect((await inboundEmail(n, id, 2)).status).toBe(201);
    expect((await n.req('GET', '/v1/notifications')).body.data).toEqual([]);
  });

  it('are read one by one, only the caller’s and the workspace’s, and filter unread', async () => {
    const n = await t.workspace();
    const ana = await t.deps.services.workspaces.createUser(systemActor(n.id), { email: 'ana@n.example', role: 'member' });
    const anaKey = await t.deps.services.apiKeys.create({ ...systemActor(n.id), userId: ana.id }, { name: 'ana', role: 'member' });
    const asAna = n.as(anaKey.secret);
    const mine = await newContact(n, { ownerId: n.ownerId });
    await inboundEmail(n, mine, 0);
    clock.advance(1000); // notifications are ordered by creation time
    const anas = await newContact(n, { ownerId: ana.id });
    await inboundEmail(n, anas, 1);
    clock.advance(1000);
    const everyone = await newContact(n);
    await inboundEmail(n, everyone, 2);
    const ownerView = (await n.req('GET', '/v1/notifications')).body.data;
    expect(ownerView.map((x: { contactId: string }) => x.contactId)).toEqual([everyone, mine]);
    const anaView = (await asAna('GET', '/v1/notifications')).body.data;
    expect(anaView.map((x: { contactId: string }) => x.contactId)).toEqual([everyone, anas]);
    const anaOnly = anaView.find((x: { contactId: string }) => x.contactId === anas).id;
    expect((await n.req('POST', `/v1/notifications/${anaOnly}/read`)).status).toBe(404);
    expect((await other.req('POST', `/v1/notifications/${anaOnly}/read`)).status).toBe(404);
    const read = await asAna('POST', `/v1/notifications/${anaOnly}/read`);
    expect(read.body.readAt).toBe(clock.now().toISOString());
    expect((await asAna('GET', '/v1/notifications?unread=true')).body.data.map((x: { contactId: string }) => x.contactId)).toEqual([everyone]);
    const page1 = await n.req('GET', '/v1/notifications?limit=1');
    const page2 = await n.req('GET', `/v1/notifications?limit=1&cursor=${page1.body.nextCursor}`);
    expect([page1.body.data[0].contactId, page2.body.data[0].contactId]).toEqual([everyone, mine]);
    expect(page2.body.nextCursor).toBeNull();
  });
});

describe('ignoring', () => {
  it('deletes pending tasks (keeps done ones), clears reasons, is recorded on the contact history, and is idempotent', async () => {
    const id = await newContact();
    await ws.req('POST', `/v1/contacts/${id}/tasks`, { title: 'Llamar' });
    await ws.req('POST', `/v1/contacts/${id}/tasks`, { title: 'Hecho', status: 'done' });
    await inboundEmail(ws, id, 0);
    const res = await ws.req('POST', `/v1/contacts/${id}/ignore`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ignored: true, pendingAttention: { pending: false, reasons: [] } });
    const tasks = await ws.req('GET', `/v1/contacts/${id}/tasks`);
    expect(tasks.body.data.map((x: { title: string }) => x.title)).toEqual(['Hecho']);
    expect((await ws.req('POST', `/v1/contacts/${id}/ignore`)).body.version).toBe(res.body.version);
    clock.advance(1000);
    await ws.req('POST', `/v1/contacts/${id}/unignore`);
    const events = await queryRows<{ type: string; data: Record<string, unknown> }>(t.database.systemDb, sql`SELECT type, data FROM contact_events WHERE workspace_id = ${ws.id} AND contact_id = ${id} AND type LIKE 'contact.%ignored' ORDER BY occurred_at, id`);
    expect(events.map((e) => e.type)).toEqual(['contact.ignored', 'contact.unignored']);
    expect(events[0]!.data).toMatchObject({ deletedPendingTasks: 1, clearedReasons: [{ reason: 'email', since: at(0) }] });
    expect((await ws.req('GET', `/v1/contacts/${id}/tasks`)).body.data).toHaveLength(1);
  });
});

describe('merging', () => {
  it('moves communications to the survivor and recomputes its attention', async () => {
    const survivor = await newContact();
    const absorbed = await newContact();
    await missedCall(ws, absorbed, 5);
    await ws.req('POST', `/v1/contacts/${absorbed}/whatsapp-messages`, { direction: 'inbound', body: 'x', sentAt: at(6) });
    const merged = await ws.req('POST', `/v1/contacts/${survivor}/merge`, { otherContactId: absorbed });
    expect(merged.status).toBe(200);
    expect(merged.body.pendingAttention).toEqual({ pending: true, reasons: [{ reason: 'call', since: at(5) }, { reason: 'whatsapp', since: at(6) }] });
    expect(merged.body.whatsappWindow.expiresAt).toBe(new Date(Date.parse(at(6)) + 86_400_000).toISOString());
    expect((await ws.req('GET', `/v1/contacts/${survivor}/calls`)).body.data).toHaveLength(1);
  });
});
