import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from '../lib/db.ts';

let t: TestApp;
let ws: TestWorkspace;
let seq = 0;
const email = () => `r${++seq}-${Date.now()}@example.com`;

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(() => t.close());

const countContacts = async () =>
  Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = ${ws.id}`))[0]!.n);

describe('POST /v1/contacts/batch/create', () => {
  it('answers 200 with one result per item; the bad item has its problem, the good ones land', async () => {
    const items = [{ email: email() }, { email: email() }, { email: email() }, { email: 'nope' }, { phone: '611 222 333' }];
    const res = await ws.req('POST', '/v1/contacts/batch/create', { items });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'created', 'error', 'created']);
    expect(res.body.results[3].problem.errors).toEqual([expect.objectContaining({ pointer: '/items/3/email', code: 'invalid_email' })]);
    expect(res.body.summary).toEqual({ created: 4, updated: 0, unchanged: 0, error: 1, conflict: 0 });
    const got = await ws.req('GET', `/v1/contacts/${res.body.results[4].contactId}`);
    expect(got.body.phone).toBe('+34611222333');
  });

  it('refuses 101 items as a whole, at /items, and writes nothing', async () => {
    const before = await countContacts();
    const res = await ws.req('POST', '/v1/contacts/batch/create', { items: Array.from({ length: 101 }, () => ({ email: email() })) });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/items', code: 'too_big' });
    expect(await countContacts()).toBe(before);
  });

  it('refuses an envelope that is not one (no items, an unknown member)', async () => {
    expect((await ws.req('POST', '/v1/contacts/batch/create', {})).body.errors[0].pointer).toBe('/items');
    expect((await ws.req('POST', '/v1/contacts/batch/create', { items: [{ email: email() }], mode: 'x' })).body.errors[0]).toMatchObject({ pointer: '/mode', code: 'unknown_field' });
  });

  it('is idempotent as a whole with Idempotency-Key', async () => {
    const body = { items: [{ email: email() }, { email: email() }] };
    const key = `batch-${Date.now()}`;
    const first = await ws.req('POST', '/v1/contacts/batch/create', body, { 'idempotency-key': key });
    const before = await countContacts();
    const again = await ws.req('POST', '/v1/contacts/batch/create', body, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await countContacts()).toBe(before);
    const other = await ws.req('POST', '/v1/contacts/batch/create', { items: [{ email: email() }] }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });

  it('reports duplicates inside the batch and identifiers held by other contacts as conflicts', async () => {
    const e = email();
    const held = await ws.req('POST', '/v1/contacts', { email: email() });
    const res = await ws.req('POST', '/v1/contacts/batch/create', { items: [{ email: e }, { email: e }, { email: held.body.email }] });
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'conflict', 'conflict']);
    expect(res.body.results[1].problem.code).toBe('duplicate_in_batch');
    expect(res.body.results[2].problem.code).toBe('contact_identifier_taken');
  });
});

describe('POST /v1/contacts/batch/upsert', () => {
  it('updates what matches and creates the rest', async () => {
    const existing = await ws.req('POST', '/v1/contacts', { email: email(), company: 'Old' });
    const res = await ws.req('POST', '/v1/contacts/batch/upsert', { matchBy: ['email'], items: [{ email: existing.body.email, company: 'New' }, { email: email() }, { email: 'x' }] });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 'updated', contactId: existing.body.id, version: 2, previous: { company: 'Old' } });
    expect(res.body.results[1].status).toBe('created');
    expect(res.body.results[2].problem.errors[0].pointer).toBe('/items/2/email');
  });

  it('needs matchBy', async () => {
    const res = await ws.req('POST', '/v1/contacts/batch/upsert', { items: [{ email: email() }] });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('/matchBy');
  });
});

describe('POST /v1/contacts/batch/update', () => {
  it('updates by id with an optional version per item', async () => {
    const c = await ws.req('POST', '/v1/contacts', { email: email() });
    const res = await ws.req('POST', '/v1/contacts/batch/update', {
      items: [{ id: c.body.id, version: 1, firstName: 'Nueva' }, { id: c.body.id, version: 1, lastName: 'Vieja' }, { firstName: 'no id' }],
    });
    expect(res.body.results[0]).toMatchObject({ status: 'updated', version: 2 });
    expect(res.body.results[1]).toMatchObject({ status: 'conflict', problem: { code: 'precondition_failed' } });
    expect(res.body.results[2].problem.errors[0]).toMatchObject({ pointer: '/items/2/id' });
    expect((await ws.req('GET', `/v1/contacts/${c.body.id}`)).body).toMatchObject({ firstName: 'Nueva', lastName: '', version: 2 });
  });
});

describe('POST /v1/contacts/batch/read', () => {
  it('answers each id, missing ones per item', async () => {
    const c = await ws.req('POST', '/v1/contacts', { email: email() });
    const missing = '00000000-0000-4000-8000-000000000009';
    const res = await ws.req('POST', '/v1/contacts/batch/read', { ids: [missing, c.body.id] });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ index: 0, id: missing, status: 'error', problem: { code: 'not_found' } });
    expect(res.body.results[1]).toMatchObject({ index: 1, status: 'found', contact: c.body });
  });
});

describe('hostile batches', () => {
  it('answers any items with per-item results or an envelope problem, never a 5xx', async () => {
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', ' ', 'a@b', 'x@example.com', '+34 612 345 678', '\u202e', 'ñ'.repeat(400), '=cmd|calc'));
    const item = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        id: fc.oneof(fc.uuid(), text),
        version: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })),
        email: fc.oneof(text, fc.constant(null)),
        phone: fc.oneof(text, fc.constant(null)),
        additionalEmails: fc.array(text, { maxLength: 3 }),
        firstName: text,
        ownerId: fc.oneof(fc.uuid(), text),
        consents: fc.dictionary(fc.constantFrom('marketingEmail', 'other'), fc.jsonValue({ maxDepth: 1 })),
        customAttributes: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })),
        externalRef: fc.oneof(fc.record({ id: text }), text),
      }, { requiredKeys: [] }),
    );
    const route = fc.constantFrom('create', 'upsert', 'update');
    await fc.assert(
      fc.asyncProperty(route, fc.array(item, { minLength: 1, maxLength: 8 }), async (op, items) => {
        const res = await ws.req('POST', `/v1/contacts/batch/${op}`, op === 'upsert' ? { matchBy: ['email', 'phone', 'externalRef'], items } : { items });
        expect(res.status, res.text).toBeLessThan(500);
        if (res.status === 200) {
          expect(res.body.results.map((r: { index: number }) => r.index)).toEqual(items.map((_, i) => i));
          for (const r of res.body.results) if (r.status === 'error' || r.status === 'conflict') expect(r.problem.code).toEqual(expect.any(String));
        } else {
          expect(res.headers['content-type']).toContain('application/problem+json');
        }
      }),
      { numRuns: 40 },
    );
  });
});
