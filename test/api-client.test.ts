import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createVixieesClient, type Schemas } from '../src/api-client/client.ts';
import { startTestApp, type TestApp, type TestWorkspace } from './harness.ts';

const COMMITTED = resolve('src/api-client/schema.gen.ts');
const GENERATOR = resolve('node_modules/openapi-typescript/bin/cli.js');

let t: TestApp;
let ws: TestWorkspace;
let baseUrl: string;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

describe('the generated API client', () => {
  it('is generated from the document the app serves (regenerate with `npm run openapi`)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vixiees-client-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(t.app.swagger()));
      execFileSync(process.execPath, [GENERATOR, join(dir, 'openapi.json'), '--output', join(dir, 'schema.gen.ts')], { stdio: 'pipe' });
      const fresh = readFileSync(join(dir, 'schema.gen.ts'), 'utf8').split('\n');
      const committed = readFileSync(COMMITTED, 'utf8').split('\n');
      const firstDifference = fresh.findIndex((line, i) => line !== committed[i]);
      expect(
        firstDifference === -1 && fresh.length === committed.length ? 'up to date' : `line ${firstDifference + 1}: ${fresh[firstDifference]} ≠ ${committed[firstDifference]}`,
        'src/api-client/schema.gen.ts is stale: run npm run openapi and commit it',
      ).toBe('up to date');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates, lists, gets and updates a contact with If-Match, and reads a problem, typed, over real HTTP', async () => {
    const api = createVixieesClient({ baseUrl, apiKey: ws.apiKey });

    const created = await api.POST('/v1/contacts', {
      params: { header: { 'Idempotency-Key': 'client-test-create-ada' } },
      body: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', source: 'web' },
    });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    const contact = created.data!;
    expectTypeOf(contact.consents.marketingEmail).toEqualTypeOf<boolean>();
    expectTypeOf(contact.source).toEqualTypeOf<Schemas['ContactSource']>();
    expect(contact).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', source: 'web', version: 1 });
    expect(created.response.headers.get('location')).toBe(`/v1/contacts/${contact.id}`);

    const list = await api.GET('/v1/contacts', { params: { query: { q: 'Lovelace', limit: 10 } } });
    // The documented page is either shape (`fields=` gives `ContactFieldsPage`); this call asks for whole contacts.
    expectTypeOf(list.data!).toExtend<Schemas['ContactPage'] | Schemas['ContactFieldsPage']>();
    expect(list.data?.data.map((c) => c.id)).toEqual([contact.id]);
    expect(list.data?.nextCursor).toBeNull();

    const got = await api.GET('/v1/contacts/{id}', { params: { path: { id: contact.id } } });
    expect(got.data?.id).toBe(contact.id);
    const etag = got.response.headers.get('etag');
    expect(etag).toBe(`"${contact.version}"`);

    const updated = await api.PATCH('/v1/contacts/{id}', {
      params: { path: { id: contact.id }, header: { 'If-Match': etag! } },
      body: { company: 'Analytical Engines', phone: null },
    });
    expect(updated.response.status, JSON.stringify(updated.error)).toBe(200);
    expect(updated.data).toMatchObject({ id: contact.id, company: 'Analytical Engines', version: contact.version + 1 });
    expect(updated.response.headers.get('etag')).toBe(`"${contact.version + 1}"`);

    // The same If-Match again is stale now: a typed problem, as application/problem+json.
    const stale = await api.PATCH('/v1/contacts/{id}', {
      params: { path: { id: contact.id }, header: { 'If-Match': etag! } },
      body: { company: 'Too late' },
    });
    expectTypeOf(stale.error!).toExtend<Schemas['Problem']>();
    expectTypeOf<Schemas['Problem']>().toExtend<NonNullable<typeof stale.error>>();
    expect(stale.response.status).toBe(412);
    expect(stale.response.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.error).toMatchObject({ status: 412, code: 'precondition_failed', type: '/problems/precondition_failed' });
    expect(stale.response.headers.get('etag')).toBe(`"${contact.version + 1}"`);

    const invalid = await api.POST('/v1/contacts', { body: { firstName: 'Grace', additionalEmails: Array.from({ length: 21 }, (_, i) => `g${i}@example.com`) } });
    expect(invalid.response.status).toBe(422);
    expect(invalid.error?.errors?.[0]).toMatchObject({ pointer: '/additionalEmails', code: 'too_big' });

    const unknown = await api.GET('/v1/contacts/{id}', { params: { path: { id: '0193a5f2-7c1e-7b3a-9f7e-2d6c1a0b9e41' } } });
    expect(unknown.error).toMatchObject({ status: 404, code: 'not_found' });
  });
});
