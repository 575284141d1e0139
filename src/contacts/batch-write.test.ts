import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import type { Actor } from '../lib/actor.ts';
import { queryRows } from '../lib/db.ts';
import { inTransaction, inWorkspace } from '../lib/tenant-scope.ts';

let t: TestApp;
let ws: TestWorkspace;
let actor: Actor;
let seq = 0;
const email = () => `b${++seq}-${Date.now()}@example.com`;
const phone = () => `+3462${String(1_000_000 + (++seq % 9_000_000)).padStart(7, '0')}`;

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  actor = { workspaceId: ws.id, role: 'owner', userId: ws.ownerId, type: 'api_key', principalId: ws.apiKeyId };
});
afterAll(() => t.close());

const rows = <T = Record<string, unknown>>(q: ReturnType<typeof sql>) => queryRows<T>(t.database.systemDb, q);
const count = async (table: string, contactId?: string) =>
  Number(
    (await rows<{ n: number }>(
      contactId
        ? sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id} AND contact_id = ${contactId}`
        : sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id}`,
    ))[0]!.n,
  );
const outboxFor = async (contactId: string) =>
  rows<{ topic: string; payload: Record<string, unknown> }>(sql`SELECT topic, payload FROM outbox WHERE workspace_id = ${ws.id} AND payload->>'contactId' = ${contactId}`);
const write = (items: unknown[], opts: Parameters<TestApp['deps']['services']['contacts']['writeBatch']>[2]) => t.deps.services.contacts.writeBatch(actor, items, opts);

describe('writeBatch create', () => {
  it('creates the good items and answers the bad one with its problem at /items/<i>/<field>', async () => {
    const items = [{ email: email(), firstName: ' Ana ' }, { phone: '612 000 111' }, { email: email() }, { email: 'not-an-email' }, { email: email(), surprise: 1 }, 7];
    const r = await write(items, { mode: 'create' });
    expect(r.map((x) => x.status)).toEqual(['created', 'created', 'created', 'error', 'error', 'error']);
    expect(r[3]!.problem).toMatchObject({ code: 'validation_failed', errors: [{ pointer: '/items/3/email', code: 'invalid_email' }] });
    expect(r[4]!.problem!.errors).toEqual([expect.objectContaining({ pointer: '/items/4/surprise', code: 'unknown_field' })]);
    expect(r[5]!.problem!.errors![0]!.pointer).toBe('/items/5');
    const got = await ws.req('GET', `/v1/contacts/${r[0]!.contactId}`);
    expect(got.body).toMatchObject({ firstName: 'Ana', email: items[0] && (items[0] as { email: string }).email, source: 'api', version: 1 });
    const p = await ws.req('GET', `/v1/contacts/${r[1]!.contactId}`);
    expect(p.body.phone).toBe('+34612000111');
  });

  it('reports a duplicate inside the batch as a conflict and creates the contact once', async () => {
    const e = email();
    const r = await write([{ email: e }, { email: e.toUpperCase().replace('@EXAMPLE.COM', '@example.com'), firstName: 'Twice' }, { additionalEmails: [e] }], { mode: 'create' });
    expect(r.map((x) => x.status)).toEqual(['created', 'conflict', 'conflict']);
    expect(r[1]!.problem).toMatchObject({ code: 'duplicate_in_batch', errors: [{ pointer: '/items/1/email' }] });
    expect(r[2]!.problem!.errors![0]!.pointer).toBe('/items/2/additionalEmails/0');
    const n = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = ${ws.id} AND lower(email) = lower(${e})`);
    expect(n[0]!.n).toBe(1);
  });

  it('answers an identifier held by an existing contact as a conflict naming it', async () => {
    const e = email();
    const existing = await ws.req('POST', '/v1/contacts', { email: e });
    const r = await write([{ email: e, phone: phone() }], { mode: 'create' });
    expect(r[0]).toMatchObject({ status: 'conflict', problem: { code: 'contact_identifier_taken', errors: [{ pointer: '/items/0/email', code: 'identifier_taken' }] } });
    expect(r[0]!.problem!.message).toContain(existing.body.id);
  });

  it('writes the same consents, event and outbox rows as a single create', async () => {
    const single = await ws.req('POST', '/v1/contacts', { email: email(), consents: { marketingEmail: true } });
    const [batch] = await write([{ email: email(), consents: { marketingEmail: true } }], { mode: 'create' });
    const shape = async (id: string) => ({
      consents: (await ws.req('GET', `/v1/contacts/${id}/consents`)).body.data
        .map(({ id: _id, changedAt: _at, ...r }: Record<string, unknown>) => r)
        .sort((x: { consent: string }, y: { consent: string }) => x.consent.localeCompare(y.consent)),
      events: await rows(sql`SELECT type, data, actor_type, actor_id FROM contact_events WHERE workspace_id = ${ws.id} AND contact_id = ${id}`),
      outbox: (await outboxFor(id)).map((o) => ({ topic: o.topic, payload: { ...o.payload, contactId: 'X' } })),
      identifiers: (await rows<{ kind: string }>(sql`SELECT kind FROM contact_identifiers WHERE workspace_id = ${ws.id} AND contact_id = ${id}`)).map((i) => i.kind),
    });
    const a = await shape(single.body.id);
    expect(a.consents).toHaveLength(4);
    expect(a.consents).toContainEqual({ consent: 'marketingEmail', value: true, source: 'api', proof: { reason: 'contact_created', explicit: true }, actorType: 'api_key', actorId: expect.any(String) });
    expect(a.consents).toContainEqual({ consent: 'transactionalEmail', value: true, source: 'api', proof: { reason: 'contact_created', explicit: false }, actorType: 'api_key', actorId: expect.any(String) });
    expect(a.events).toHaveLength(1);
    expect(a.outbox).toHaveLength(1);
    expect(await shape(batch!.contactId!)).toEqual(a);
  });

  it('a dry run answers like the real run and writes nothing', async () => {
    const before = await Promise.all(['contacts', 'contact_identifiers', 'consent_records', 'consent_starts', 'contact_events', 'outbox'].map((x) => count(x)));
    const e = email();
    const items = [{ email: e }, { email: e }, { email: 'bad' }];
    const dry = await write(items, { mode: 'create', dryRun: true });
    expect(dry.map((x) => x.status)).toEqual(['created', 'conflict', 'error']);
    const after = await Promise.all(['contacts', 'contact_identifiers', 'consent_records', 'consent_starts', 'contact_events', 'outbox'].map((x) => count(x)));
    expect(after).toEqual(before);
    const real = await write(items, { mode: 'create' });
    expect(real.map((x) => x.status)).toEqual(['created', 'conflict', 'error']);
  });

  it('uses the import source and detail for created contacts', async () => {
    const [r] = await write([{ email: email() }], { mode: 'create', source: 'csv', sourceDetail: 'import:abc' });
    const got = await ws.req('GET', `/v1/contacts/${r!.contactId}`);
    expect(got.body).toMatchObject({ source: 'csv', sourceDetail: 'import:abc' });
  });

  it('joins the caller\'s transaction: a rollback there undoes the batch', async () => {
    const e = email();
    await expect(
      inWorkspace(ws.id, () =>
        t.database.db.transaction(async (tx) =>
          inTransaction(tx, async () => {
            const r = await write([{ email: e }], { mode: 'create' });
            expect(r[0]!.status).toBe('created');
            throw new Error('checkpoint failed');
          }),
        ),
      ),
    ).rejects.toThrow('checkpoint failed');
    const n = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = ${ws.id} AND email = ${e}`);
    expect(n[0]!.n).toBe(0);
  });

  it('checks owners and custom attributes per item', async () => {
    const r = await write([{ email: email(), ownerId: ws.ownerId }, { email: email(), ownerId: '00000000-0000-4000-8000-000000000001' }, { email: email(), customAttributes: { nope: 1 } }], { mode: 'create' });
    expect(r.map((x) => x.status)).toEqual(['created', 'error', 'error']);
    expect(r[1]!.problem!.errors![0]).toMatchObject({ pointer: '/items/1/ownerId', code: 'unknown_user' });
    expect(r[2]!.problem!.errors![0]).toMatchObject({ pointer: '/items/2/customAttributes/nope', code: 'unknown_attribute' });
  });
});

describe('concurrent batches', () => {
  it('two batches racing for the same identifiers create each contact once; the loser answers conflict', async () => {
    const emails = Array.from({ length: 20 }, () => email());
    const [one, two] = await Promise.all([
      write(emails.map((e) => ({ email: e })), { mode: 'create' }),
      write([...emails].reverse().map((e) => ({ email: e, firstName: 'Second' })), { mode: 'create' }),
    ]);
    const all = [...one!, ...two!];
    expect(all.filter((r) => r.status === 'created')).toHaveLength(20);
    expect(all.filter((r) => r.status === 'conflict')).toHaveLength(20);
    const n = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = ${ws.id} AND email IN (SELECT jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb))`);
    expect(n[0]!.n).toBe(20);
    const orphans = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM contact_identifiers i WHERE i.workspace_id = ${ws.id} AND i.value IN (SELECT jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb)) AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = i.workspace_id AND c.id = i.contact_id AND c.deleted_at IS NULL)`);
    expect(orphans[0]!.n).toBe(0);
  });
});

describe('writeBatch upsert', () => {
  it('updates the contact matched by email, creates the rest, and gives the previous values', async () => {
    const e = email();
    const existing = await ws.req('POST', '/v1/contacts', { email: e, company: 'Old SL', firstName: 'Eva' });
    const fresh = email();
    const r = await write([{ email: e, company: 'New SL', consents: { marketingEmail: true } }, { email: fresh }, { email: e, firstName: 'Eva' }], { mode: 'upsert', matchBy: ['email'] });
    expect(r[0]).toMatchObject({ status: 'updated', contactId: existing.body.id, version: 2, previous: { company: 'Old SL', consents: { marketingEmail: false } } });
    expect(r[1]).toMatchObject({ status: 'created' });
    // The third item repeats the first's email: applied after it, to the same contact, changing nothing.
    expect(r[2]).toMatchObject({ status: 'unchanged', contactId: existing.body.id, version: 2 });
    const got = await ws.req('GET', `/v1/contacts/${existing.body.id}`);
    expect(got.body).toMatchObject({ company: 'New SL', version: 2, consents: { marketingEmail: true } });
    const events = await rows<{ type: string; data: { fields: string[] } }>(sql`SELECT type, data FROM contact_events WHERE workspace_id = ${ws.id} AND contact_id = ${existing.body.id} ORDER BY id`);
    expect(events.map((x) => x.type)).toEqual(['contact.created', 'contact.updated']);
    expect(events[1]!.data.fields.sort()).toEqual(['company', 'consentMarketingEmail']);
    expect((await outboxFor(existing.body.id)).map((o) => o.payload.change)).toEqual(['created', 'updated']);
    const history = (await ws.req('GET', `/v1/contacts/${existing.body.id}/consents`)).body.data;
    expect(history).toHaveLength(5);
    expect(history[0]).toMatchObject({ consent: 'marketingEmail', value: true, proof: null });
    expect(history.slice(1).map((h: { proof: unknown }) => h.proof)).toEqual(Array(4).fill(expect.objectContaining({ reason: 'contact_created' })));
  });

  it('merges duplicates inside the batch into one new contact', async () => {
    const e = email();
    const p = phone();
    const r = await write([{ email: e, firstName: 'Uno' }, { email: e, phone: p }], { mode: 'upsert', matchBy: ['email'] });
    expect(r.map((x) => x.status)).toEqual(['created', 'updated']);
    expect(r[1]!.contactId).toBe(r[0]!.contactId);
    const got = await ws.req('GET', `/v1/contacts/${r[0]!.contactId}`);
    expect(got.body).toMatchObject({ firstName: 'Uno', email: e, phone: p, version: 2 });
  });

  it('an item matching two different contacts is a conflict, and changes neither', async () => {
    const a = await ws.req('POST', '/v1/contacts', { email: email() });
    const b = await ws.req('POST', '/v1/contacts', { phone: phone() });
    const r = await write([{ email: a.body.email, phone: b.body.phone, company: 'X' }], { mode: 'upsert', matchBy: ['email', 'phone'] });
    expect(r[0]).toMatchObject({ status: 'conflict', problem: { code: 'contact_identifier_taken', errors: [{ pointer: '/items/0/phone' }] } });
    expect((await ws.req('GET', `/v1/contacts/${a.body.id}`)).body.version).toBe(1);
    expect((await ws.req('GET', `/v1/contacts/${b.body.id}`)).body.version).toBe(1);
  });

  it('matches by external reference', async () => {
    const ref = `crm-${++seq}`;
    const c = await ws.req('POST', '/v1/contacts', { email: email(), externalRef: { id: ref } });
    const r = await write([{ externalRef: { id: ref }, lastName: 'Ruiz', email: c.body.email }], { mode: 'upsert', matchBy: ['externalRef'] });
    expect(r[0]).toMatchObject({ status: 'updated', contactId: c.body.id, previous: { lastName: '' } });
  });
});

describe('writeBatch update', () => {
  it('updates by id, honours version, and reports unknown ids per item', async () => {
    const c = await ws.req('POST', '/v1/contacts', { email: email(), company: 'A' });
    const d = await ws.req('POST', '/v1/contacts', { email: email() });
    const r = await write(
      [{ id: c.body.id, company: 'B', version: 1 }, { id: d.body.id, company: 'C', version: 9 }, { id: '00000000-0000-4000-8000-000000000002', company: 'D' }, { id: c.body.id, phone: null, email: null }],
      { mode: 'update' },
    );
    expect(r[0]).toMatchObject({ status: 'updated', version: 2, previous: { company: 'A' } });
    expect(r[1]).toMatchObject({ status: 'conflict', problem: { code: 'precondition_failed' } });
    expect(r[2]).toMatchObject({ status: 'error', problem: { code: 'not_found', errors: [{ pointer: '/items/2/id' }] } });
    expect(r[3]).toMatchObject({ status: 'error', problem: { code: 'validation_failed', errors: [{ pointer: '/items/3/email', code: 'identifier_required' }] } });
    expect((await ws.req('GET', `/v1/contacts/${c.body.id}`)).body).toMatchObject({ company: 'B', version: 2 });
    expect((await ws.req('GET', `/v1/contacts/${d.body.id}`)).body.version).toBe(1);
  });

  it('moves an identifier between contacts in one batch as if item by item', async () => {
    const e1 = email();
    const c = await ws.req('POST', '/v1/contacts', { email: e1 });
    const e2 = email();
    const r = await t.deps.services.contacts.writeBatch(actor, [{ id: c.body.id, email: e2 }], { mode: 'update' });
    expect(r[0]!.status).toBe('updated');
    const again = await write([{ email: e1 }], { mode: 'create' });
    expect(again[0]!.status).toBe('created');
  });
});

describe('writeBatch against single creates', () => {
  it('creates the same contacts as N single creates (property)', async () => {
    const local = fc.constantFrom('ana', 'luis', 'marta', 'jose');
    const item = fc.record(
      {
        firstName: fc.constantFrom(' José ', 'Lucía', 'Ana  María', ''),
        lastName: fc.constantFrom('García López', 'Núñez', ''),
        email: local.map((l) => `${l}@Example.com`),
        phone: fc.constantFrom('612 345 678', '+34 699 111 222', '0034 611 222 333', 'bogus'),
        company: fc.constantFrom(' Acme ', 'Beta SL'),
        consents: fc.record({ marketingEmail: fc.boolean() }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 6 }), async (items) => {
        const wsA = await t.workspace();
        const wsB = await t.workspace();
        const actorB: Actor = { workspaceId: wsB.id, role: 'owner', userId: null, type: 'api_key', principalId: wsB.apiKeyId };
        const single: string[] = [];
        for (const it of items) {
          const res = await wsA.req('POST', '/v1/contacts', it);
          single.push(res.status === 201 ? 'created' : res.status === 409 ? 'conflict' : 'error');
        }
        const batch = await t.deps.services.contacts.writeBatch(actorB, items, { mode: 'create' });
        expect(batch.map((b) => b.status)).toEqual(single);
        const shape = async (w: string) =>
          rows(sql`SELECT first_name, last_name, email, phone, company, additional_emails, additional_phones, source,
                     consent_marketing_email, consent_transactional_email, version FROM contacts WHERE workspace_id = ${w} ORDER BY email NULLS LAST, phone NULLS LAST`);
        expect(await shape(wsB.id)).toEqual(await shape(wsA.id));
      }),
      { numRuns: 15 },
    );
  });
});
