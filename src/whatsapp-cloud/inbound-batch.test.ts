import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { metaSignature } from '../integrations/signatures.ts';
import { queryRows } from '../lib/db.ts';
import type { JobPayload } from '../lib/jobs/queue.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';

/**
 * The batched WhatsApp job (inbound-batch.ts) against the one-by-one path it replaces: the same
 * webhook bodies go to two workspaces, one processed event by event, the other batched, and the
 * resulting contacts, messages, attention, window, timeline and event outcomes must be the same
 * (ids and write times aside). Then a batch that fails halfway is rolled back whole and retried.
 */
let t: TestApp;
const APP_SECRET = 'batch_app_secret';
const PHONE_NUMBER_ID = '106540352242977';
// Numbers of this run only (on PostgreSQL every test file shares one database).
const run = String(Date.now()).slice(-5);
/** A Spanish mobile as WhatsApp writes it (wa_id): 34, then the nine digits typed nationally as `national(n)`. */
const national = (n: number) => `6${run}${String(n).padStart(3, '0')}`;
const wa = (n: number) => `34${national(n)}`;

type Side = { ws: TestWorkspace; integrationId: string; ran: Set<string> };

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function side(): Promise<Side> {
  const ws = await t.workspace({ defaultCountry: 'ES' });
  const res = await ws.req('POST', '/v1/integrations', {
    provider: 'whatsapp',
    name: 'Ventas',
    settings: { phoneNumberId: PHONE_NUMBER_ID, wabaId: '102290129340398', verifyToken: 'tok' },
    secrets: { appSecret: APP_SECRET, accessToken: 'unused' },
  });
  expect(res.status).toBe(201);
  return { ws, integrationId: res.body.id, ran: new Set() };
}

const envelope = (value: Record<string, unknown>) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PHONE_NUMBER_ID }, ...value } }] }],
  });

async function deliver(s: Side, body: string): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/hooks/whatsapp/${s.integrationId}`,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(APP_SECRET, body) },
    payload: body,
  });
  expect(res.statusCode).toBe(200);
}

/** Runs this workspace's new integration jobs, batched or one by one; answers what each went through. */
async function drain(s: Side, oneByOne: boolean) {
  const rows = await queryRows<{ id: string; payload: JobPayload }>(
    t.database.systemDb,
    sql`SELECT id, payload FROM outbox WHERE topic = 'integration.events' AND workspace_id = ${s.ws.id} ORDER BY id`,
  );
  const outcomes = [];
  for (const row of rows) {
    if (s.ran.has(row.id)) continue;
    s.ran.add(row.id);
    outcomes.push(await inWorkspace(s.ws.id, () => t.deps.services.integrations.processJob(row.payload, { oneByOne })).catch((err: Error) => ({ error: err.message })));
  }
  return outcomes;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Everything the events changed, keyed by what the events carry (phones, wamids), not by ids or write times. */
async function state(s: Side) {
  const ws = s.ws.id;
  type Row = Record<string, unknown>;
  const rows = <T = Row,>(q: ReturnType<typeof sql>) => queryRows<T>(t.database.systemDb, q);
  const contacts = await rows(sql`SELECT coalesce(phone, whatsapp_user_id) AS who, first_name, last_name, phone, whatsapp_user_id, source, source_detail,
      attention_since, attention_whatsapp_since, attention_call_since, attention_email_since, last_inbound_whatsapp_at, ignored_at IS NOT NULL AS ignored,
      consent_transactional_whatsapp, consent_transactional_email, consent_marketing_whatsapp, consent_marketing_email, deleted_at IS NOT NULL AS deleted
    FROM contacts WHERE workspace_id = ${ws} ORDER BY 1`);
  const identifiers = await rows(sql`SELECT i.kind, i.value, coalesce(c.phone, c.whatsapp_user_id) AS who FROM contact_identifiers i JOIN contacts c ON c.workspace_id = i.workspace_id AND c.id = i.contact_id
    WHERE i.workspace_id = ${ws} ORDER BY 1, 2`);
  const messages = await rows(sql`SELECT coalesce(c.phone, c.whatsapp_user_id) AS who, m.direction, m.type, m.body, m.media_url, m.status, m.provider_message_id, m.sent_at, m.author_type
    FROM whatsapp_messages m JOIN contacts c ON c.workspace_id = m.workspace_id AND c.id = m.contact_id WHERE m.workspace_id = ${ws} ORDER BY m.provider_message_id, m.direction`);
  const timeline = await rows(sql`SELECT coalesce(c.phone, c.whatsapp_user_id) AS who, e.type, e.data, e.actor_type
    FROM contact_events e JOIN contacts c ON c.workspace_id = e.workspace_id AND c.id = e.contact_id WHERE e.workspace_id = ${ws} ORDER BY 1, 2, 3, 4`);
  const consentStarts = await rows(sql`SELECT coalesce(c.phone, c.whatsapp_user_id) AS who, to_jsonb(s) - 'workspace_id' - 'contact_id' - 'ids' - 'id' - 'changed_at' - 'created_at' - 'actor_id' AS row
    FROM consent_starts s JOIN contacts c ON c.workspace_id = s.workspace_id AND c.id = s.contact_id WHERE s.workspace_id = ${ws} ORDER BY 1`);
  const notifications = await rows(sql`SELECT coalesce(c.phone, c.whatsapp_user_id) AS who, n.type, n.data, n.user_id IS NULL AS everyone
    FROM notifications n JOIN contacts c ON c.workspace_id = n.workspace_id AND c.id = n.contact_id WHERE n.workspace_id = ${ws} ORDER BY 1, 2, 3, 4`);
  const events = await rows<{ event_key: string; kind: string; status: string; reason: string | null }>(sql`SELECT event_key, kind, status, reason FROM integration_events WHERE workspace_id = ${ws} ORDER BY event_key`);
  // Notes name the message and contact ids of their own workspace; the rest of the note must match.
  for (const e of events) e.reason = e.reason?.replace(UUID, '<id>').replace(/server time is \S+/, 'server time is <now>') ?? null;
  const attentionRows = await rows<{ n: number }>(sql`SELECT count(DISTINCT payload->>'contactId')::int AS n FROM outbox WHERE workspace_id = ${ws} AND topic = 'contact.attention'`);
  return { contacts, identifiers, messages, timeline, consentStarts, notifications, events, contactsWithAttentionRows: attentionRows[0]!.n };
}

/** Both sides get the same bodies; the one-by-one side then the batched side run their jobs. */
async function both(one: Side, batched: Side, body: string): Promise<void> {
  await deliver(one, body);
  await deliver(batched, body);
}

const seconds = (ago: number) => String(Math.floor(Date.now() / 1000) - ago);
const text = (from: string, id: string, body: string, ago = 30) => ({ from, id, timestamp: seconds(ago), type: 'text', text: { body } });

describe('batched WhatsApp processing gives what the one-by-one path gives', () => {
  let one: Side;
  let batched: Side;

  beforeAll(async () => {
    one = await side();
    batched = await side();
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const answeredAt = new Date(Date.now() - 60_000).toISOString();
    for (const s of [one, batched]) {
      // An existing contact whose phone was typed in national form, and one we wrote to (its status comes below).
      const a = await s.ws.req('POST', '/v1/contacts', { firstName: 'Ana', phone: national(1) });
      expect(a.status).toBe(201);
      const b = await s.ws.req('POST', '/v1/contacts', { firstName: 'Bea', phone: `+${wa(2)}` });
      expect(b.status).toBe(201);
      // Bea wrote an hour ago; we answered: a sent message with its wamid (as the delivery job records it).
      const inbound = await s.ws.req('POST', `/v1/contacts/${b.body.id}/whatsapp-messages`, { direction: 'inbound', type: 'text', body: 'Hola', providerMessageId: `wamid.SEED${run}`, sentAt: anHourAgo });
      expect(inbound.status).toBe(201);
      const out = await s.ws.req('POST', `/v1/contacts/${b.body.id}/whatsapp-messages`, { direction: 'outbound', text: 'Buenos días', purpose: 'transactional' });
      expect(out.status).toBe(201);
      await t.database.systemDb.execute(sql`UPDATE whatsapp_messages SET status = 'sent', provider_message_id = ${`wamid.OUT${run}`}, sent_at = ${answeredAt} WHERE workspace_id = ${s.ws.id} AND id = ${out.body.id}`);
    }
  });

  it('matches on a mixed batch: existing and new senders, two messages of one sender, duplicates, a status, media and malformed events', async () => {
    const ana = wa(1);
    const body = envelope({
      contacts: [
        { profile: { name: 'Ana WhatsApp' }, wa_id: ana },
        { profile: { name: 'Nuevo Uno' }, wa_id: wa(10) },
        { profile: { name: 'Nueva Dos' }, wa_id: wa(11) },
        { profile: { name: 'Solo Usuario' }, user_id: `US.${run}.42` },
      ],
      messages: [
        text(ana, `wamid.A1${run}`, 'Hola, soy Ana'),
        text(wa(10), `wamid.N1${run}`, 'Primera', 40),
        text(wa(10), `wamid.N2${run}`, 'Segunda', 20),
        text(wa(10), `wamid.N1${run}`, 'Primera'), // the same message twice in one body
        { from: wa(11), id: `wamid.I1${run}`, timestamp: seconds(25), type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'si', title: 'Sí, quiero' } } },
        { from: wa(11), id: `wamid.R1${run}`, timestamp: seconds(24), type: 'reaction', reaction: { message_id: `wamid.I1${run}`, emoji: '👍' } },
        { from_user_id: `US.${run}.42`, id: `wamid.U1${run}`, timestamp: seconds(15), type: 'text', text: { body: 'Sin teléfono' } },
        { from: wa(12), id: `wamid.M1${run}`, timestamp: seconds(15), type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg' } },
        { from: wa(13), id: `wamid.X1${run}`, timestamp: seconds(15), type: 'text', text: {} },
        { from: wa(14), id: `wamid.S1${run}`, timestamp: seconds(15), type: 'system', system: { body: 'changed number' } },
        text(wa(15), `wamid.F1${run}`, 'Del futuro', -3600),
        text(wa(2), `wamid.B1${run}`, 'Gracias, Bea aquí', -2), // after our message to her
      ],
      statuses: [{ id: `wamid.OUT${run}`, status: 'read', timestamp: seconds(5), recipient_id: wa(2) }],
    });
    await both(one, batched, body);
    const r1 = await drain(one, true);
    const r2 = await drain(batched, false);
    expect(r1.every((r) => 'batched' in r && r.batched === 0)).toBe(true);
    // The text-like messages of new and known senders went the batched way; the rest one by one.
    expect(r2).toEqual([{ batched: 7, oneByOne: 5 }]);

    // A redelivery of a processed message, and an admin replay of one: no second effect.
    await both(one, batched, envelope({ contacts: [{ wa_id: wa(10) }], messages: [text(wa(10), `wamid.N2${run}`, 'Segunda', 20), text(wa(10), `wamid.N3${run}`, 'Tercera', 5)] }));
    for (const s of [one, batched]) {
      const [ev] = await queryRows<{ id: string }>(t.database.systemDb, sql`SELECT id FROM integration_events WHERE workspace_id = ${s.ws.id} AND event_key = ${`message:wamid.A1${run}`}`);
      const replay = await s.ws.req('POST', `/v1/integrations/${s.integrationId}/events/${ev!.id}/replay`);
      expect(replay.status).toBe(202);
    }
    await drain(one, true);
    const r3 = await drain(batched, false);
    expect(r3).toEqual([{ batched: 1, oneByOne: 0 }, { batched: 1, oneByOne: 0 }]);

    const a = await state(one);
    const b = await state(batched);
    expect(b).toEqual(a);
    // And the state is what it should be, not merely the same on both sides.
    expect(a.messages.filter((m) => m.direction === 'inbound')).toHaveLength(10); // seed + A1 N1 N2 N3 I1 R1 U1 M1 B1
    // wa(10), wa(11), the user id, wa(12) (the image), and wa(15): the one-by-one path creates the
    // sender before it refuses a message from the future, and the batch leaves that case to it.
    expect(a.contacts.filter((c) => c.source === 'whatsapp')).toHaveLength(5);
    expect(a.contacts.find((c) => c.phone === `+${ana}`)).toMatchObject({ first_name: 'Ana' });
    expect(a.events.filter((e) => e.status === 'failed').map((e) => e.event_key).sort()).toEqual([`message:wamid.F1${run}`, `message:wamid.X1${run}`].sort());
    expect(a.events.find((e) => e.event_key === `message:wamid.A1${run}`)!.reason).toBe('already recorded (duplicate delivery)');
    expect(a.events.find((e) => e.event_key === `status:wamid.OUT${run}:read`)!.reason).toBe('read: applied');
    const bea = a.contacts.find((c) => c.phone === `+${wa(2)}`)!;
    expect(bea.attention_whatsapp_since).not.toBeNull(); // wrote after our message was sent
  });

  it('rolls a batch that fails halfway back whole, and its retry leaves the same state', async () => {
    const first = await side();
    const second = await side();
    // A fault inside the batch's transaction, after its contacts were created: the message insert fails for one body.
    const fn = `boom_${run}_${Math.floor(Math.random() * 1e6)}`;
    await t.database.raw(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.workspace_id = '${second.ws.id}' AND NEW.body = 'BOOM' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$`);
    await t.database.raw(`CREATE TRIGGER ${fn} BEFORE INSERT ON whatsapp_messages FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    const body = envelope({
      contacts: [{ profile: { name: 'Carla' }, wa_id: wa(20) }, { profile: { name: 'Dani' }, wa_id: wa(21) }],
      messages: [text(wa(20), `wamid.C1${run}`, 'Uno', 30), text(wa(21), `wamid.D1${run}`, 'BOOM', 20), text(wa(20), `wamid.C2${run}`, 'Dos', 10)],
    });
    try {
      await both(first, second, body);
      await drain(first, true);
      const [failed] = await drain(second, false);
      // The batch rolled back; its events went one by one: the faulty one is kept for the retry.
      expect(failed).toEqual({ error: expect.stringContaining('insert into "whatsapp_messages"') });
      const [kept] = await queryRows<{ status: string; reason: string }>(t.database.systemDb, sql`SELECT status, reason FROM integration_events WHERE workspace_id = ${second.ws.id} AND event_key = ${`message:wamid.D1${run}`}`);
      expect(kept).toMatchObject({ status: 'received', reason: expect.stringContaining('will retry') });
    } finally {
      await t.database.raw(`DROP TRIGGER ${fn} ON whatsapp_messages`);
      await t.database.raw(`DROP FUNCTION ${fn}()`);
    }
    // The queue's retry: the same job again.
    const [job] = await queryRows<{ payload: JobPayload }>(t.database.systemDb, sql`SELECT payload FROM outbox WHERE topic = 'integration.events' AND workspace_id = ${second.ws.id}`);
    expect(await inWorkspace(second.ws.id, () => t.deps.services.integrations.processJob(job!.payload))).toEqual({ batched: 1, oneByOne: 0 });
    const a = await state(first);
    const b = await state(second);
    expect(b.contacts).toEqual(a.contacts);
    expect(b.identifiers).toEqual(a.identifiers);
    expect(b.messages).toEqual(a.messages);
    expect(b.timeline).toEqual(a.timeline);
    expect(b.notifications).toEqual(a.notifications);
    expect(b.events.map((e) => [e.event_key, e.status])).toEqual(a.events.map((e) => [e.event_key, e.status]));
    expect(a.messages).toHaveLength(3);
    expect(a.contacts).toHaveLength(2);
  });
});

describe('jobs merged by the worker (processMany) give what each job alone gives', () => {
  it('applies the events of several jobs as one batch, in order, to the same state', async () => {
    const alone = await side();
    const merged = await side();
    const n = (k: number) => wa(40 + k);
    const bodies = [
      envelope({ contacts: [{ profile: { name: 'Carla' }, wa_id: n(1) }], messages: [text(n(1), `wamid.G1${run}`, 'Hola', 50)] }),
      envelope({ contacts: [{ profile: { name: 'Dani' }, wa_id: n(2) }], messages: [text(n(2), `wamid.G2${run}`, 'Buenas', 40)] }),
      // Carla again, and the same message as the first job (a redelivery in another job).
      envelope({ contacts: [{ profile: { name: 'Carla' }, wa_id: n(1) }], messages: [text(n(1), `wamid.G3${run}`, '¿Seguís ahí?', 30), text(n(1), `wamid.G1${run}`, 'Hola', 50)] }),
      envelope({ contacts: [{ profile: { name: 'Eva' }, wa_id: n(3) }], messages: [text(n(3), `wamid.G4${run}`, 'Info, por favor', 20)] }),
    ];
    for (const body of bodies) await both(alone, merged, body);
    await drain(alone, false);

    const jobs = await queryRows<{ id: string; payload: JobPayload }>(
      t.database.systemDb,
      sql`SELECT id, payload FROM outbox WHERE topic = 'integration.events' AND workspace_id = ${merged.ws.id} ORDER BY id`,
    );
    expect(jobs.length).toBe(4);
    await inWorkspace(merged.ws.id, () => t.deps.services.integrations.processMany(jobs.map((j) => j.payload)));

    const a = await state(alone);
    const b = await state(merged);
    expect(b).toEqual(a);
    expect(b.events.filter((e) => e.status !== 'processed')).toEqual([]);
    expect(b.messages.filter((m) => String(m.provider_message_id).startsWith('wamid.G')).map((m) => m.provider_message_id).sort()).toEqual(
      [`wamid.G1${run}`, `wamid.G2${run}`, `wamid.G3${run}`, `wamid.G4${run}`].sort(),
    );
  });
});
