import fastJson from 'fast-json-stringify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../app.ts';
import { fixedClock } from '../clock.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { nullableInsteadOfAnyOf } from './response-serializer.ts';

/**
 * Production writes responses with serializers compiled from the schemas and does not validate
 * them; tests validate. Both must send the same bytes: the same requests are answered by the
 * validating test app and by a production-configured app over the same database, and compared.
 */
let t: TestApp;
let prod: Awaited<ReturnType<typeof buildApp>>;
let w: TestWorkspace;
const paths: [string, string, unknown?][] = [];

beforeAll(async () => {
  // A fixed clock: `secondsInStage` and the like must not tick between the two answers.
  t = await startTestApp({ clock: fixedClock('2026-11-20T10:00:00Z') });
  prod = await buildApp({ ...t.deps, config: { ...t.deps.config, validateResponses: false } }, { logger: false });
  w = await t.workspace();
  const attr = await w.req('POST', '/v1/contact-attributes', { key: 'plan', label: 'Plan', type: 'single_select', options: [{ value: 'pro', label: 'Pro' }] });
  expect(attr.status, attr.text).toBe(201);
  const playbook = await w.req('POST', '/v1/playbooks', { name: 'Serializer pipeline', stages: [{ name: 'New', staleAfterDays: 2 }, { name: 'Won', kind: 'won' }] });
  expect(playbook.status, playbook.text).toBe(201);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const c = await w.req('POST', '/v1/contacts', { firstName: `Serializer ${i}`, lastName: 'Núñez', email: `serializer.${i}@example.org`, phone: `+3461100000${i}`, company: i ? 'ACME' : undefined, customAttributes: i ? { plan: 'pro' } : {} });
    expect(c.status, c.text).toBe(201);
    ids.push(c.body.id);
  }
  // Timeline items of several types: WhatsApp both ways, a merge.
  expect((await w.req('POST', `/v1/contacts/${ids[1]}/whatsapp-messages`, { direction: 'inbound', body: 'Hola, ¿tenéis precios?' })).status).toBe(201);
  expect((await w.req('POST', `/v1/contacts/${ids[1]}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', text: '¡Hola! Te los envío hoy.' })).status).toBe(201);
  expect((await w.req('POST', `/v1/contacts/${ids[1]}/merge`, { otherContactId: ids[2] })).status).toBe(200);
  expect((await w.req('PUT', `/v1/contacts/${ids[1]}/stage`, { playbookId: playbook.body.id, stageId: playbook.body.stages[0].id })).status).toBe(200);
  paths.push(
    ['GET', '/v1/contacts?limit=2'],
    ['GET', '/v1/contacts?limit=50&count=true'],
    ['POST', '/v1/contacts/search', { filter: { field: 'attributes.plan', op: 'eq', value: 'pro' }, limit: 50 }],
    ['GET', `/v1/contacts/${ids[1]}`],
    ['GET', `/v1/playbooks/${playbook.body.id}/board`],
    ['GET', '/v1/playbooks'],
    ['GET', '/v1/contact-attributes'],
    ['GET', '/v1/attention-queue?limit=10'],
    ['GET', `/v1/contacts/${ids[0]}/consents`],
    // A union of item types (anyOf) whose branches have nullable fields.
    ['GET', `/v1/contacts/${ids[1]}/timeline`],
    ['GET', '/v1/contacts/00000000-0000-7000-8000-000000000000'],
    ['POST', '/v1/contacts/search', { filter: { field: 'nope', op: 'eq', value: 1 } }],
  );
});

afterAll(async () => {
  await prod?.close();
  await t?.close();
});

describe('responses written from their schemas (production) match the validated ones (tests)', () => {
  it('sends the same status, type and bytes for lists, a contact, the board and problems', async () => {
    expect(paths.length).toBeGreaterThan(10);
    for (const [method, url, body] of paths) {
      const inject = (app: typeof prod) => app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${w.apiKey}`, 'x-request-id': 'serializer-compare', ...(body ? { 'content-type': 'application/json' } : {}) }, payload: body ? JSON.stringify(body) : undefined });
      const [a, b] = [await inject(t.app), await inject(prod)];
      expect(b.statusCode, `${method} ${url}`).toBe(a.statusCode);
      expect(b.headers['content-type'], `${method} ${url}`).toBe(a.headers['content-type']);
      expect(b.body, `${method} ${url}`).toBe(a.body);
    }
  });
});

describe('nullable fields', () => {
  it('are written as nullable types (no per-value branch validation), with the same bytes as JSON.stringify', () => {
    const schema = z.object({
      name: z.string().nullable(),
      count: z.number().int().nullable(),
      plan: z.enum(['free', 'pro']).nullable(),
      owner: z.object({ id: z.string(), email: z.string().nullable() }).nullable(),
      tags: z.array(z.string()).nullable(),
      either: z.union([z.string(), z.number()]).nullable(),
    });
    const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'throw', reused: 'inline' });
    const rewritten = nullableInsteadOfAnyOf(json);
    // zod writes a nullable integer, enum, object and array as an anyOf with null (a plain string as a type list).
    expect(JSON.stringify(json).match(/"anyOf"/g)).toHaveLength(4);
    expect(JSON.stringify(rewritten)).not.toContain('"anyOf"');
    expect(JSON.stringify(rewritten).match(/"nullable":true/g)).toHaveLength(4);
    const write = fastJson(rewritten as Parameters<typeof fastJson>[0]);
    for (const value of [
      { name: null, count: null, plan: null, owner: null, tags: null, either: null },
      { name: 'Ana "A"', count: 3, plan: 'pro', owner: { id: 'u1', email: null }, tags: ['a', 'b'], either: 7 },
      { name: 'Bea', count: 0, plan: 'free', owner: { id: 'u2', email: 'b@example.org' }, tags: [], either: 'x' },
    ]) {
      expect(write(value)).toBe(JSON.stringify(value));
    }
  });
});
