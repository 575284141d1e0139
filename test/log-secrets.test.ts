import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../src/api-keys/api-keys.service.ts';
import { buildApp } from '../src/app.ts';
import { makeDeps } from '../src/deps.ts';
import { fixedClock } from '../src/lib/clock.ts';
import { queryRows, type Database } from '../src/lib/db.ts';
import { makeLogger } from '../src/lib/logger.ts';
import { openTestDatabase, testConfig } from './harness.ts';

/**
 * Runs the app with the production logger configuration at its most verbose level, sends
 * requests carrying distinctive customer data and credentials, makes the database reject
 * statements that carry them (a 500 with SQL, parameters and a `detail`), then greps every
 * captured line for every value sent.
 */
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

const person = { firstName: 'Zebulonia', lastName: 'Quillfeather', email: 'zebulonia.quillfeather@example.org', phone: '+34 611 22 33 44' };
const rejected = { firstName: 'Rejectina', lastName: 'Marblewick', email: 'rejectina.marblewick@example.net', phone: '+34 622 98 76 54' };
const whatsappBody = 'Pricing for Quillfeather: 4711 EUR per seat';
const rejectedBody = 'Confidential counter-offer reject-me 9137';
const bogusKey = `vx_live_0badc0de_${'Q'.repeat(43)}`;

let database: Database;
let app: Awaited<ReturnType<typeof buildApp>>;
let apiKey: string;

async function send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}

beforeAll(async () => {
  database = await openTestDatabase();
  // Constraints the application does not know about: the database rejects these rows with a
  // 500 whose driver error carries the SQL, every parameter and a `detail` with the values.
  await database.raw(`ALTER TABLE contacts ADD CONSTRAINT log_secrets_reject CHECK (first_name <> 'Rejectina') NOT VALID`);
  await database.raw(`ALTER TABLE whatsapp_messages ADD CONSTRAINT log_secrets_reject CHECK (body IS NULL OR body NOT LIKE '%reject-me%') NOT VALID`);
  // A stopped clock: the failure budget's one-minute window cannot end between the wrong keys
  // below (a boundary there once made the third a 401 instead of the 429).
  const deps = await makeDeps(testConfig({ rateLimitPerMinute: 1000, authFailuresPerMinute: 2 }), database, fixedClock(new Date().toISOString()));
  app = await buildApp(deps, { logger: makeLogger('trace', sink) });
  apiKey = (await deps.services.workspaces.create({ name: 'Log secrets', ownerName: person.firstName, ownerEmail: person.email })).apiKey.secret;
});
afterAll(async () => {
  await app?.close();
  await database?.raw('ALTER TABLE contacts DROP CONSTRAINT IF EXISTS log_secrets_reject');
  await database?.raw('ALTER TABLE whatsapp_messages DROP CONSTRAINT IF EXISTS log_secrets_reject');
  await database?.close();
});

describe('logs hold no secrets', () => {
  it('never logs a value sent, the API key or its hash — even for database errors', async () => {
    const created = await send('POST', '/v1/contacts', person, { 'idempotency-key': 'log-secrets-1' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await send('POST', '/v1/contacts', person)).status).toBe(409);
    expect((await send('GET', `/v1/contacts?q=${encodeURIComponent(person.email)}`)).status).toBe(200);
    expect((await send('GET', `/v1/contacts?q=${encodeURIComponent(person.phone)}`)).status).toBe(200);
    expect((await send('POST', '/v1/contacts/search', { filter: { field: 'email', op: 'eq', value: person.email } })).status).toBeLessThan(500);
    expect((await send('PATCH', `/v1/contacts/${id}`, { lastName: `${person.lastName}-Smith` })).status).toBe(200);
    expect((await send('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', body: whatsappBody })).status).toBe(201);

    // The database rejects these: 500s.
    const r1 = await send('POST', '/v1/contacts', rejected);
    expect(r1.status).toBe(500);
    const r2 = await send('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', body: rejectedBody });
    expect(r2.status).toBe(500);

    // Client errors carrying the values: invalid JSON (the parser quotes the input), invalid
    // fields, a wrong key and a key sent as the body.
    expect((await send('POST', '/v1/contacts', `${person.email} ${person.phone}`)).status).toBe(400);
    expect((await send('POST', '/v1/contacts', { email: `${person.firstName} not an email`, phone: 'call me maybe' })).status).toBe(422);
    const wrongKey = [];
    for (let i = 0; i < 3; i++) wrongKey.push((await send('GET', '/v1/contacts', undefined, { authorization: `Bearer ${bogusKey}` })).status);
    expect(wrongKey).toEqual([401, 401, 429]);
    expect((await send('POST', '/v1/contacts', { notes: apiKey })).status).toBe(422);

    // A failing key lookup: the database rejects a statement whose parameter is the key's hash
    // (Drizzle puts it in the error's message and params, PostgreSQL quotes it in its own).
    const keyError = await queryRows(database.systemDb, sql`SELECT ${hashApiKey(apiKey)}::uuid AS id`).catch((err: unknown) => err);
    expect(keyError).toBeInstanceOf(Error);
    app.log.error({ err: keyError }, 'api key lookup failed');

    const sent = [
      person.firstName, person.lastName, person.email, person.phone, '+34611223344', '611223344',
      rejected.firstName, rejected.lastName, rejected.email, '+34622987654', '622987654',
      whatsappBody, 'Quillfeather: 4711', rejectedBody, 'reject-me',
      apiKey, apiKey.slice(17), hashApiKey(apiKey), bogusKey, hashApiKey(bogusKey),
    ];
    const log = lines.join('\n').toLowerCase();
    const found = sent.filter((value) => log.includes(value.toLowerCase()));
    console.log(`log secrets: ${lines.length} log lines at trace, ${sent.length} values sent, found in logs ${found.length}`);
    expect(found).toEqual([]);

    // The run was logged, and the 500s say what failed and where.
    const records = lines.map((l) => JSON.parse(l) as { level: number; msg?: string; req?: { url: string }; err?: Record<string, string> });
    expect(records.filter((r) => r.msg === 'incoming request').length).toBeGreaterThanOrEqual(12);
    expect(records.some((r) => r.req?.url === '/v1/contacts?q=[redacted]')).toBe(true);
    // The access line (written without the redaction pass) names its request and its answer.
    const access = records.filter((r) => r.msg === 'incoming request') as unknown as { reqId?: string; res?: { statusCode?: number }; responseTime?: number }[];
    expect(access.every((r) => /^[0-9a-f-]{36}$/.test(r.reqId ?? '') && typeof r.res?.statusCode === 'number' && typeof r.responseTime === 'number')).toBe(true);
    // The refusal is a security event in the log (R38), without the key it refused.
    expect(records.filter((r) => r.level === 40 && (r as { event?: string }).event === 'rate_limited')).toHaveLength(1);
    const failures = records.filter((r) => r.level === 50 && r.msg === 'request failed');
    expect(failures).toHaveLength(2);
    expect(records.find((r) => r.msg === 'api key lookup failed')?.err).toMatchObject({ message: 'Failed query (SQL text and parameters are not logged)' });
    for (const f of failures) {
      const root = (f.err as { cause?: Record<string, string> }).cause ?? f.err!;
      expect(root).toMatchObject({ code: '23514', constraint: 'log_secrets_reject' });
      expect(f.err!.stack).toContain('    at ');
    }
  });
});
