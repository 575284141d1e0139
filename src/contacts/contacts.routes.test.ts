import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from '../lib/db.ts';
import { sql } from 'drizzle-orm';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let seq = 0;
const uniquePhone = () => `+3461${String(1_000_000 + ++seq).padStart(7, '0')}`;
const uniqueEmail = () => `c${++seq}@example.com`;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
});
afterAll(() => t.close());

const countRows = async (table: string, workspaceId: string) =>
  Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${workspaceId}`))[0]!.n);

describe('creating contacts', () => {
  it('creates a contact with a national phone stored in E.164 and the domain lower-cased', async () => {
    const res = await ws.req('POST', '/v1/contacts', { firstName: ' José ', lastName: 'García López', phone: '612 34 56 78', email: 'Jose@Example.COM' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ firstName: 'José', lastName: 'García López', phone: '+34612345678', email: 'Jose@example.com', source: 'api', version: 1 });
    expect(res.body.consents).toEqual({ transactionalWhatsapp: true, transactionalEmail: true, marketingWhatsapp: false, marketingEmail: false });
    expect(res.headers.location).toBe(`/v1/contacts/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
  });

  it('keeps every field of the domain', async () => {
    const owner = ws.ownerId;
    const res = await ws.req('POST', '/v1/contacts', {
      firstName: 'Lucía', lastName: 'Fernández Ruiz', email: uniqueEmail(), phone: uniquePhone(), company: 'Acme SL',
      additionalEmails: ['lucia.personal@example.org'], additionalPhones: ['+52 55 1234 5678'], ownerId: owner,
      source: 'typeform', sourceDetail: 'form abc', externalRef: { id: 'ext-1', url: 'https://crm.example.com/c/1' },
      consents: { marketingEmail: true },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      company: 'Acme SL', additionalEmails: ['lucia.personal@example.org'], additionalPhones: ['+525512345678'], ownerId: owner,
      source: 'typeform', sourceDetail: 'form abc', externalRef: { id: 'ext-1', url: 'https://crm.example.com/c/1' },
      consents: { transactionalWhatsapp: true, transactionalEmail: true, marketingWhatsapp: false, marketingEmail: true },
    });
    const got = await ws.req('GET', `/v1/contacts/${res.body.id}`);
    expect(got.body).toEqual(res.body);
  });

  it('promotes the first additional value when no primary is given, and drops duplicates inside the contact', async () => {
    const e1 = uniqueEmail();
    const res = await ws.req('POST', '/v1/contacts', { additionalEmails: [e1, e1.toUpperCase(), 'second@example.com'] });
    expect(res.status).toBe(201);
    expect(res.body.email).toBe(e1);
    expect(res.body.additionalEmails).toEqual(['second@example.com']);
  });

  it('accepts a WhatsApp user id as the only identifier', async () => {
    const res = await ws.req('POST', '/v1/contacts', { whatsappUserId: `wa_user_${++seq}`, source: 'whatsapp' });
    expect(res.status).toBe(201);
    expect(res.body.source).toBe('whatsapp');
  });

  it('answers 409 naming the contact that holds an identifier, in any of its forms', async () => {
    const phone = uniquePhone();
    const first = await ws.req('POST', '/v1/contacts', { phone });
    const national = phone.replace('+34', '');
    for (const variant of [phone, `0034${national}`, national]) {
      const res = await ws.req('POST', '/v1/contacts', { firstName: 'Dup', additionalPhones: [variant] });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'contact_identifier_taken', contactId: first.body.id });
      expect(res.body.errors[0]).toMatchObject({ pointer: '/additionalPhones/0', code: 'identifier_taken' });
    }
    const email = uniqueEmail();
    await ws.req('POST', '/v1/contacts', { email });
    const dupEmail = await ws.req('POST', '/v1/contacts', { email: email.toUpperCase() });
    expect(dupEmail.status).toBe(409);
  });

  it('lets another workspace use the same identifiers', async () => {
    const phone = uniquePhone();
    expect((await ws.req('POST', '/v1/contacts', { phone })).status).toBe(201);
    expect((await other.req('POST', '/v1/contacts', { phone })).status).toBe(201);
  });

  it('treats the external reference id as unique within the workspace', async () => {
    const ref = { id: `ref-${++seq}`, url: 'https://x.example/1' };
    const a = await ws.req('POST', '/v1/contacts', { email: uniqueEmail(), externalRef: ref });
    const b = await ws.req('POST', '/v1/contacts', { email: uniqueEmail(), externalRef: ref });
    expect(b.status).toBe(409);
    expect(b.body).toMatchObject({ contactId: a.body.id, errors: [{ pointer: '/externalRef/id' }] });
  });

  it.each([
    ['neither email nor phone', { firstName: 'Nobody' }, '/email', 'identifier_required'],
    ['an unparseable phone', { phone: '12' }, '/phone', 'invalid_phone'],
    ['an invalid email', { email: 'not-an-email' }, '/email', 'invalid_email'],
    ['an invalid additional email', { email: 'ok@example.com', additionalEmails: ['ok2@example.com', 'bad@'] }, '/additionalEmails/1', 'invalid_email'],
    ['a non-http external URL', { email: 'u@example.com', externalRef: { id: 'x', url: 'javascript:alert(1)' } }, '/externalRef/url', 'invalid_url'],
    ['a relative external URL', { email: 'u@example.com', externalRef: { id: 'x', url: '/c/1' } }, '/externalRef/url', 'invalid_url'],
    ['an unknown source', { email: 'u@example.com', source: 'carrier_pigeon' }, '/source', 'invalid_value'],
    ['a field of the wrong type', { email: 'u@example.com', firstName: 42 }, '/firstName', 'invalid_type'],
    ['an unknown field', { email: 'u@example.com', favouriteColour: 'red' }, '/favouriteColour', 'unknown_field'],
    ['a server-set field', { email: 'u@example.com', version: 7 }, '/version', 'read_only_field'],
    ['an owner from nowhere', { email: 'u@example.com', ownerId: '01a20ca6-0000-7000-8000-000000000000' }, '/ownerId', 'unknown_user'],
    ['an unknown custom attribute', { email: 'u@example.com', customAttributes: { nope: 1 } }, '/customAttributes/nope', 'unknown_attribute'],
  ])('rejects %s with a pointer to the field and writes nothing', async (_label, body, pointer, code) => {
    const before = await countRows('contacts', ws.id);
    const res = await ws.req('POST', '/v1/contacts', body);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer, code })]));
    expect(await countRows('contacts', ws.id)).toBe(before);
  });

  it('does not accept an owner from another workspace', async () => {
    const res = await ws.req('POST', '/v1/contacts', { email: uniqueEmail(), ownerId: other.ownerId });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/ownerId', code: 'unknown_user' });
  });
});

describe('reading and updating', () => {
  it('updates partially, clears with null, bumps the version and records the change', async () => {
    const created = await ws.req('POST', '/v1/contacts', { firstName: 'Ana', company: 'Old', email: uniqueEmail(), phone: uniquePhone() });
    const res = await ws.req('PATCH', `/v1/contacts/${created.body.id}`, { company: null, lastName: 'Pérez Gil' }, { 'if-match': '"1"' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ firstName: 'Ana', company: null, lastName: 'Pérez Gil', version: 2 });
    expect(res.headers.etag).toBe('"2"');
    const events = await queryRows<{ type: string; data: { fields: string[] } }>(t.database.systemDb, sql`SELECT type, data FROM contact_events WHERE workspace_id = ${ws.id} AND contact_id = ${created.body.id} ORDER BY occurred_at, id`);
    expect(events.map((e) => e.type)).toEqual(['contact.created', 'contact.updated']);
    expect(events[1]!.data.fields.sort()).toEqual(['company', 'lastName']);
  });

  it('answers 412 with the current ETag on a stale If-Match, and changes nothing', async () => {
    const created = await ws.req('POST', '/v1/contacts', { email: uniqueEmail() });
    await ws.req('PATCH', `/v1/contacts/${created.body.id}`, { firstName: 'First' });
    const stale = await ws.req('PATCH', `/v1/contacts/${created.body.id}`, { firstName: 'Second' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    expect(stale.headers.etag).toBe('"2"');
    expect((await ws.req('GET', `/v1/contacts/${created.body.id}`)).body.firstName).toBe('First');
  });

  it('lets exactly one of many concurrent writers with the same If-Match win', async () => {
    const created = await ws.req('POST', '/v1/contacts', { email: uniqueEmail() });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ws.req('PATCH', `/v1/contacts/${created.body.id}`, { firstName: `W${i}` }, { 'if-match': '"1"' })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(9);
    expect((await ws.req('GET', `/v1/contacts/${created.body.id}`)).body.version).toBe(2);
  });

  it('refuses to remove the last identifier', async () => {
    const created = await ws.req('POST', '/v1/contacts', { email: uniqueEmail() });
    const res = await ws.req('PATCH', `/v1/contacts/${created.body.id}`, { email: null });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].code).toBe('identifier_required');
  });

  it('frees an identifier replaced by an update and claims the new one', async () => {
    const oldEmail = uniqueEmail();
    const newEmail = uniqueEmail();
    const a = await ws.req('POST', '/v1/contacts', { email: oldEmail });
    expect((await ws.req('PATCH', `/v1/contacts/${a.body.id}`, { email: newEmail })).status).toBe(200);
    expect((await ws.req('POST', '/v1/contacts', { email: oldEmail })).status).toBe(201);
    const taken = await ws.req('POST', '/v1/contacts', { email: newEmail });
    expect(taken.status).toBe(409);
    expect(taken.body.contactId).toBe(a.body.id);
  });

  it('rejects taking another contact’s identifier in an update, changing nothing', async () => {
    const phone = uniquePhone();
    const holder = await ws.req('POST', '/v1/contacts', { phone });
    const b = await ws.req('POST', '/v1/contacts', { email: uniqueEmail(), firstName: 'B' });
    const res = await ws.req('PATCH', `/v1/contacts/${b.body.id}`, { firstName: 'Changed', additionalPhones: [phone] });
    expect(res.status).toBe(409);
    expect(res.body.contactId).toBe(holder.body.id);
    expect((await ws.req('GET', `/v1/contacts/${b.body.id}`)).body).toMatchObject({ firstName: 'B', version: 1 });
  });

  it('does not let source be changed after creation', async () => {
    const a = await ws.req('POST', '/v1/contacts', { email: uniqueEmail() });
    const res = await ws.req('PATCH', `/v1/contacts/${a.body.id}`, { source: 'csv' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/source', code: 'read_only_field' });
  });

  it('hides another workspace’s contact behind 404 on every contact route', async () => {
    const mine = await ws.req('POST', '/v1/contacts', { email: uniqueEmail() });
    const theirs = await other.req('POST', '/v1/contacts', { email: uniqueEmail() });
    const id = mine.body.id;
    const attempts = [
      other.req('GET', `/v1/contacts/${id}`),
      other.req('PATCH', `/v1/contacts/${id}`, { firstName: 'x' }),
      other.req('DELETE', `/v1/contacts/${id}`),
      other.req('POST', `/v1/contacts/${id}/restore`),
      other.req('POST', `/v1/contacts/${id}/merge`, { otherContactId: theirs.body.id }),
      other.req('POST', `/v1/contacts/${theirs.body.id}/merge`, { otherContactId: id }),
      other.req('POST', `/v1/contacts/${id}/consents`, { consent: 'marketingEmail', value: true }),
      other.req('GET', `/v1/contacts/${id}/consents`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    const list = await other.req('GET', '/v1/contacts?limit=500');
    expect(list.body.data.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await ws.req('GET', `/v1/contacts/${id}`)).body.version).toBe(1);
  });
});

describe('trash', () => {
  it('soft-deletes, frees the identifiers, and restores', async () => {
    const email = uniqueEmail();
    const a = await ws.req('POST', '/v1/contacts', { email });
    expect((await ws.req('DELETE', `/v1/contacts/${a.body.id}`, undefined, { 'if-match': '"1"' })).status).toBe(204);
    const trashed = await ws.req('GET', `/v1/contacts/${a.body.id}`);
    expect(trashed.status).toBe(200);
    // Deleting stamps both times with the same instant.
    expect(trashed.body.deletedAt).toMatch(ISO_INSTANT);
    expect(trashed.body.deletedAt).toBe(trashed.body.updatedAt);
    const live = await ws.req('GET', '/v1/contacts?limit=500');
    expect(live.body.data.map((c: { id: string }) => c.id)).not.toContain(a.body.id);
    const trash = await ws.req('GET', '/v1/contacts?deleted=true&limit=500');
    expect(trash.body.data.map((c: { id: string }) => c.id)).toContain(a.body.id);
    const restored = await ws.req('POST', `/v1/contacts/${a.body.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.deletedAt).toBeNull();
    expect((await ws.req('POST', '/v1/contacts', { email })).status).toBe(409);
  });

  it('refuses to restore when the identifier was taken meanwhile', async () => {
    const email = uniqueEmail();
    const a = await ws.req('POST', '/v1/contacts', { email });
    await ws.req('DELETE', `/v1/contacts/${a.body.id}`);
    const b = await ws.req('POST', '/v1/contacts', { email });
    const res = await ws.req('POST', `/v1/contacts/${a.body.id}/restore`);
    expect(res.status).toBe(409);
    expect(res.body.contactId).toBe(b.body.id);
    const still = await ws.req('GET', `/v1/contacts/${a.body.id}`);
    expect(still.status).toBe(200);
    expect(still.body.deletedAt).toMatch(ISO_INSTANT);
  });

  it('answers 412 to a delete with a stale If-Match', async () => {
    const a = await ws.req('POST', '/v1/contacts', { email: uniqueEmail() });
    await ws.req('PATCH', `/v1/contacts/${a.body.id}`, { firstName: 'x' });
    expect((await ws.req('DELETE', `/v1/contacts/${a.body.id}`, undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await ws.req('GET', `/v1/contacts/${a.body.id}`)).body.deletedAt).toBeNull();
  });
});

describe('consents', () => {
  it('records every change with value, time, who and proof', async () => {
    const a = await ws.req('POST', '/v1/contacts', { email: uniqueEmail() });
    const set = await ws.req('POST', `/v1/contacts/${a.body.id}/consents`, { consent: 'marketingWhatsapp', value: true, source: 'typeform', proof: { formId: 'f1', text: 'Acepto' } });
    expect(set.status).toBe(200);
    expect(set.body.consents.marketingWhatsapp).toBe(true);
    await ws.req('PATCH', `/v1/contacts/${a.body.id}`, { consents: { marketingWhatsapp: false } });
    const history = await ws.req('GET', `/v1/contacts/${a.body.id}/consents`);
    const mw = history.body.data.filter((r: { consent: string }) => r.consent === 'marketingWhatsapp');
    expect(mw.map((r: { value: boolean }) => r.value)).toEqual([false, true, false]);
    expect(mw[1]).toMatchObject({ source: 'typeform', proof: { formId: 'f1', text: 'Acepto' }, actorType: 'api_key' });
    expect(mw[0]).toMatchObject({ source: 'api' });
  });

  it('rejects an unknown consent name', async () => {
    const a = await ws.req('POST', '/v1/contacts', { email: uniqueEmail() });
    const res = await ws.req('POST', `/v1/contacts/${a.body.id}/consents`, { consent: 'smoke_signals', value: true });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('/consent');
  });
});
