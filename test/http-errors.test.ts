import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(res.status).toBe(400);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('survives deeply nested JSON without a crash', async () => {
    const deep = `{"email":"deep@example.com","customAttributes":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const res = await ws.req('POST', '/v1/contacts', deep, { 'content-type': 'application/json' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
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
