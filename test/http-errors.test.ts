import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { FILTER_MAX_CONDITIONS, FILTER_MAX_DEPTH } from '../src/contact-lists/filter-limits.ts';
import { anonymous, startTestApp, type TestApp, type TestWorkspace } from './harness.ts';

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp({ config: { bodyLimitBytes: 64 * 1024 } });
  ws = await t.workspace();
});
afterAll(() => t.close());

const LEAK = /\bat .+:\d+:\d+\)|SELECT |INSERT |pg_|ECONN|password|secret|stack/i;

function expectProblem(res: { status: number; headers: Record<string, unknown>; body: Record<string, unknown>; text?: string }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, code, type: `/problems/${code}` });
  expect(typeof res.body.requestId).toBe('string');
  expect(JSON.stringify(res.body)).not.toMatch(LEAK);
}

describe('bad input gets a clear problem and changes nothing', () => {
  it('answers 400 to malformed JSON', async () => {
    expectProblem(await ws.req('POST', '/v1/contacts', '{"email": ', { 'content-type': 'application/json' }), 400, 'malformed_json');
  });

  it('answers 413 to an oversized body', async () => {
    const huge = { email: 'big@example.com', firstName: 'x'.repeat(70 * 1024) };
    expectProblem(await ws.req('POST', '/v1/contacts', huge), 413, 'payload_too_large');
  });

  it('answers 415 to a body that is not JSON', async () => {
    expectProblem(await ws.req('POST', '/v1/contacts', 'email=a@b.com', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
  });

  it('refuses prototype poisoning', async () => {
    const res = await ws.req('POST', '/v1/contacts', '{"email":"p@example.com","__proto__":{"isAdmin":true}}', { 'content-type': 'application/json' });
    expectProblem(res, 400, 'malformed_json');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const ctor = await ws.req('POST', '/v1/contacts', '{"email":"c@example.com","constructor":{"prototype":{"isAdmin":true}}}', { 'content-type': 'application/json' });
    expectProblem(ctor, 400, 'malformed_json');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('survives deeply nested JSON without a crash', async () => {
    const deep = `{"email":"deep@example.com","customAttributes":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const res = await ws.req('POST', '/v1/contacts', deep, { 'content-type': 'application/json' });
    expectProblem(res, 422, 'validation_failed');
    expect(res.body.errors[0]).toMatchObject({ code: 'too_deep' });
    expect(res.body.errors[0].pointer.startsWith('/customAttributes/a/0/0')).toBe(true);
  });

  it('answers 404 problem for an unknown route, and for a non-UUID id a 400 naming the param', async () => {
    expectProblem(await ws.req('GET', '/v1/nothing-here'), 404, 'route_not_found');
    const res = await ws.req('GET', '/v1/contacts/not-a-uuid');
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors[0].pointer).toBe('/params/id');
  });

  it('answers 401 without credentials, with a malformed header, with an unknown key and with a revoked key', async () => {
    expectProblem(await anonymous(t, 'GET', '/v1/contacts'), 401, 'unauthenticated');
    expectProblem(await ws.req('GET', '/v1/contacts', undefined, { authorization: 'Basic abc' }), 401, 'unauthenticated');
    expectProblem(await ws.as('vx_live_deadbeef_nope')('GET', '/v1/contacts'), 401, 'unauthenticated');
    const key = await ws.req('POST', '/v1/api-keys', { name: 'short-lived', role: 'member' });
    expect((await ws.as(key.body.secret)('GET', '/v1/contacts')).status).toBe(200);
    await ws.req('DELETE', `/v1/api-keys/${key.body.id}`);
    expectProblem(await ws.as(key.body.secret)('GET', '/v1/contacts'), 401, 'unauthenticated');
  });

  it('carries a request id in the header and the problem, honouring a caller’s id', async () => {
    const res = await ws.req('GET', '/v1/nothing', undefined, { 'x-request-id': 'trace-123' });
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.body.requestId).toBe('trace-123');
  });

  it('never answers 5xx to random hostile contact bodies', async () => {
    const value = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
    const body = fc.record(
      {
        firstName: value, lastName: value, email: fc.oneof(value, fc.emailAddress()), phone: fc.oneof(value, fc.constantFrom('612345678', '+34 612', '0034', '+525512345678')),
        additionalEmails: value, additionalPhones: value, company: value, source: fc.oneof(value, fc.constantFrom('api', 'csv')),
        externalRef: fc.oneof(value, fc.record({ id: value, url: fc.oneof(value, fc.webUrl()) })), consents: value, ownerId: fc.oneof(value, fc.uuid()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await ws.req('POST', '/v1/contacts', b);
        expect(res.status, res.text).toBeLessThan(500);
        if (res.status >= 400) {
          expect(String(res.headers['content-type'])).toContain('application/problem+json');
          for (const e of res.body.errors ?? []) expect(e.pointer.startsWith('/')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('input PostgreSQL cannot store, or no user means, is refused before it reaches the database', () => {
  let big: TestApp;
  let owner: TestWorkspace;
  beforeAll(async () => {
    // The default 1 MiB body limit, so size bounds are the guard's and not the body parser's.
    big = await startTestApp();
    owner = await big.workspace();
  });
  afterAll(() => big.close());

  const contactsNamed = async (email: string) => (await owner.req('GET', `/v1/contacts?email=${encodeURIComponent(email)}`)).body.data.length;

  it('answers 422 invalid_characters with the pointer of a NUL in a body field, a member name, the query and the path', async () => {
    const body = await owner.req('POST', '/v1/contacts', { firstName: 'a\u0000b', email: 'nul@example.com' });
    expectProblem(body, 422, 'validation_failed');
    expect(body.body.errors).toEqual([{ pointer: '/firstName', code: 'invalid_characters', message: expect.stringContaining('NUL') }]);
    expect(await contactsNamed('nul@example.com')).toBe(0);

    const key = await owner.req('POST', '/v1/contacts', { email: 'key@example.com', customAttributes: { 'k\u0000': 1 } });
    expectProblem(key, 422, 'validation_failed');
    expect(key.body.errors[0]).toMatchObject({ pointer: '/customAttributes/k\u0000', code: 'invalid_characters' });

    const query = await owner.req('GET', '/v1/contacts?q=a%00b');
    expectProblem(query, 422, 'validation_failed');
    expect(query.body.errors[0]).toMatchObject({ pointer: '/query/q', code: 'invalid_characters' });

    const path = await owner.req('GET', '/v1/contacts/%00');
    expectProblem(path, 422, 'validation_failed');
    expect(path.body.errors[0]).toMatchObject({ pointer: '/params/id', code: 'invalid_characters' });

    const filter = await owner.req('POST', '/v1/contacts/search', { filter: { and: [{ field: 'firstName', op: 'eq', value: 'x\u0000' }] } });
    expectProblem(filter, 422, 'validation_failed');
    expect(filter.body.errors[0]).toMatchObject({ pointer: '/filter/and/0/value', code: 'invalid_characters' });
  });

  it('refuses a lone UTF-16 surrogate (the driver would store U+FFFD instead)', async () => {
    const res = await owner.req('POST', '/v1/contacts', '{"firstName":"x\\ud800","email":"surrogate@example.com"}', { 'content-type': 'application/json' });
    expectProblem(res, 422, 'validation_failed');
    expect(res.body.errors[0]).toMatchObject({ pointer: '/firstName', code: 'invalid_characters' });
    expect(await contactsNamed('surrogate@example.com')).toBe(0);
  });

  it('refuses other control characters in one-line fields, and keeps newlines in free text', async () => {
    const bell = await owner.req('POST', '/v1/contacts', { firstName: 'Ana\u0007', company: 'Acme\u001b[31m', email: 'bell@example.com' });
    expectProblem(bell, 422, 'validation_failed');
    expect(bell.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]).sort()).toEqual([['/company', 'invalid_characters'], ['/firstName', 'invalid_characters']]);
    const contact = await owner.req('POST', '/v1/contacts', { firstName: 'Ana', email: 'lines@example.com' });
    expect(contact.status).toBe(201);
    const note = await owner.req('POST', `/v1/contacts/${contact.body.id}/comments`, { body: 'first line\nsecond line\ttabbed' });
    expect(note.status).toBe(201);
    expect(note.body.body).toBe('first line\nsecond line\ttabbed');
    const nul = await owner.req('POST', `/v1/contacts/${contact.body.id}/comments`, { body: 'first line\n\u0000' });
    expectProblem(nul, 422, 'validation_failed');
    expect(nul.body.errors[0]).toMatchObject({ pointer: '/body', code: 'invalid_characters' });
  });

  it('refuses control characters in the headers it reads', async () => {
    const contact = await owner.req('POST', '/v1/contacts', { email: 'headers@example.com' });
    const idem = await owner.req('POST', '/v1/contacts', { email: 'idem@example.com' }, { 'idempotency-key': 'key\u0001' });
    expectProblem(idem, 400, 'invalid_header');
    expect(idem.body.errors[0].pointer).toBe('/headers/idempotency-key');
    const ifMatch = await owner.req('PATCH', `/v1/contacts/${contact.body.id}`, { firstName: 'X' }, { 'if-match': '"1\u0001"' });
    expectProblem(ifMatch, 400, 'invalid_header');
    expect(ifMatch.body.errors[0].pointer).toBe('/headers/if-match');
  });

  it('refuses dates PostgreSQL cannot store (year 0, past 9999) with out_of_range, in bodies, filters and queries', async () => {
    const contact = await owner.req('POST', '/v1/contacts', { email: 'dates@example.com' });
    const task = await owner.req('POST', `/v1/contacts/${contact.body.id}/tasks`, { title: 'x', dueAt: '0000-01-01T00:00:00.000Z' });
    expectProblem(task, 422, 'validation_failed');
    expect(task.body.errors).toEqual([{ pointer: '/dueAt', code: 'out_of_range', message: expect.any(String) }]);
    const deal = await owner.req('POST', `/v1/contacts/${contact.body.id}/deals`, { title: 'x', expectedCloseDate: '0000-01-01' });
    expectProblem(deal, 422, 'validation_failed');
    expect(deal.body.errors[0]).toMatchObject({ pointer: '/expectedCloseDate', code: 'out_of_range' });
    const search = await owner.req('POST', '/v1/contacts/search', { filter: { field: 'createdAt', op: 'gt', value: '0000-06-01T00:00:00Z' } });
    expectProblem(search, 422, 'validation_failed');
    expect(search.body.errors[0]).toMatchObject({ pointer: '/filter/value', code: 'invalid_value' });
    const query = await owner.req('GET', '/v1/contacts?createdAfter=0000-01-01T00:00:00Z');
    expectProblem(query, 400, 'validation_failed');
    expect(query.body.errors[0]).toMatchObject({ pointer: '/query/createdAfter', code: 'out_of_range' });
    // The first and last storable instants still work.
    expect((await owner.req('POST', `/v1/contacts/${contact.body.id}/tasks`, { title: 'x', dueAt: '0001-01-01T00:00:00.000Z' })).status).toBe(201);
    expect((await owner.req('POST', `/v1/contacts/${contact.body.id}/tasks`, { title: 'x', dueAt: '9999-12-31T23:59:59.999Z' })).status).toBe(201);
  });

  it('answers a multipart body its parser cannot read with 400 malformed_multipart (was 500)', async () => {
    const contact = await owner.req('POST', '/v1/contacts', { email: 'multipart@example.com' });
    const cases: [string, string][] = [
      ['multipart/form-data', 'no boundary'],
      ['multipart/form-data; boundary=X', 'garbage'],
      ['multipart/form-data; boundary=X', '--X\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\ntruncated'],
    ];
    for (const [type, body] of cases) expectProblem(await owner.req('POST', `/v1/contacts/${contact.body.id}/documents`, body, { 'content-type': type }), 400, 'malformed_multipart');
    expect((await owner.req('GET', `/v1/contacts/${contact.body.id}/documents`)).body.data).toEqual([]);
  });

  it('answers a path that is not valid percent-encoding with a problem, not Fastify’s own JSON', async () => {
    for (const path of ['/v1/contacts/%ZZ', '/v1/contacts/%ED%A0%80', `/v1/contacts/${'x'.repeat(3000)}`]) {
      expectProblem(await owner.req('GET', path), 400, 'invalid_url');
    }
  });

  it('bounds nesting before anything recurses: 5,000 levels of filter or JSON answer a small 422', async () => {
    const deepFilter = `{"filter":${'{"and":['.repeat(5000)}{"field":"firstName","op":"eq","value":"x"}${']}'.repeat(5000)}}`;
    const res = await owner.req('POST', '/v1/contacts/search', deepFilter, { 'content-type': 'application/json' });
    expectProblem(res, 422, 'validation_failed');
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].code).toBe('too_deep');
    expect(res.body.errors[0].pointer.startsWith('/filter/and/0/and/0')).toBe(true);
    expect(res.text.length).toBeLessThan(2000);

    const deepJson = `{"email":"deep2@example.com","customAttributes":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const json = await owner.req('POST', '/v1/contacts', deepJson, { 'content-type': 'application/json' });
    expectProblem(json, 422, 'validation_failed');
    expect(json.body.errors[0].code).toBe('too_deep');
  });

  it('enforces the filter tree limits (depth 8, 200 conditions) with one error and its pointer', async () => {
    const cond = { field: 'firstName', op: 'eq', value: 'x' };
    const wide = await owner.req('POST', '/v1/contacts/search', { filter: { or: Array.from({ length: 300 }, () => cond) } });
    expectProblem(wide, 422, 'validation_failed');
    expect(wide.body.errors).toEqual([{ pointer: `/filter/or/${FILTER_MAX_CONDITIONS}`, code: 'too_many_conditions', message: expect.any(String) }]);
    expect((await owner.req('POST', '/v1/contacts/search', { filter: { or: Array.from({ length: FILTER_MAX_CONDITIONS }, () => cond) } })).status).toBe(200);

    let atLimit: unknown = cond;
    for (let level = 1; level < FILTER_MAX_DEPTH; level++) atLimit = { not: atLimit };
    expect((await owner.req('POST', '/v1/contacts/search', { filter: atLimit })).status).toBe(200);
    const tooDeep = await owner.req('POST', '/v1/contacts/search', { filter: { not: atLimit } });
    expectProblem(tooDeep, 422, 'validation_failed');
    expect(tooDeep.body.errors).toEqual([{ pointer: `/filter${'/not'.repeat(FILTER_MAX_DEPTH)}`, code: 'too_deep', message: expect.any(String) }]);

    // A saved view stores the tree: the same bounds hold there.
    const view = await owner.req('POST', '/v1/saved-views', { name: 'wide', filter: { or: Array.from({ length: 300 }, () => cond) } });
    expectProblem(view, 422, 'validation_failed');
    expect(view.body.errors[0]).toMatchObject({ pointer: `/filter/or/${FILTER_MAX_CONDITIONS}`, code: 'too_many_conditions' });
  });

  it('answers an `or` of 20,000 conditions with a small error (was 2.7 MB)', async () => {
    const res = await owner.req('POST', '/v1/contacts/search', { filter: { or: Array.from({ length: 20_000 }, () => ({ field: 'firstName', op: 'eq', value: 'x' })) } });
    expect(res.status).toBeGreaterThanOrEqual(413);
    expect(res.status).toBeLessThan(500);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    expect(res.text.length).toBeLessThan(2000);
  });

  it('lists at most 100 field errors and counts the rest', async () => {
    const res = await owner.req('POST', '/v1/contacts/search', { filter: { or: Array.from({ length: 150 }, (_, i) => ({ field: `nope${i}`, op: 'eq', value: 'x' })) } });
    expectProblem(res, 422, 'validation_failed');
    expect(res.body.errors).toHaveLength(100);
    expect(res.body.errorsOmitted).toBe(50);
    expect(res.body.detail.length).toBeLessThan(500);
    expect(res.body.detail).toContain('and 147 more');

    const nuls = await owner.req('POST', '/v1/contacts/search', { filter: { or: Array.from({ length: 150 }, () => ({ field: 'firstName', op: 'eq', value: '\u0000' })) } });
    expectProblem(nuls, 422, 'validation_failed');
    expect(nuls.body.errors).toHaveLength(100);
    expect(nuls.body.errorsOmitted).toBe(50);
  });
});

describe('a value that reaches PostgreSQL unchecked', () => {
  it('answers 422 unprocessable_value (not 500) and logs the SQLSTATE so the missing check gets found', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const app = await buildApp(t.deps, {
      logger,
      // A route that hands the database a date PostgreSQL refuses (year 0), as a missing schema check would.
      beforeReady: (a) => a.get('/test/unchecked-date', { config: { public: true }, schema: { hide: true } }, async () => t.database.raw('SELECT $1::date AS d', ['0000-01-01'])),
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/test/unchecked-date' });
      expect(res.statusCode).toBe(422);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      expect(JSON.parse(res.body)).toMatchObject({ code: 'unprocessable_value', status: 422 });
      expect(res.body).not.toMatch(LEAK);
      expect(lines.some((l) => l.includes('input reached the database unchecked') && l.includes('"sqlState":"22008"'))).toBe(true);
    } finally {
      await app.close();
    }
  });
});
