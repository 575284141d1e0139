import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arbitraryFor, type GenContext, type JsonSchema } from './fuzz-arbitraries.ts';
import { backend, startTestApp, type TestApp, type TestWorkspace } from './harness.ts';

/**
 * Every route of the manifest, fed mostly-valid input built from its schema in the served OpenAPI
 * document, then hostile values (NUL, control characters, lone surrogates, huge strings, deep
 * nesting, huge arrays, wrong types, extreme numbers and dates, prototype keys, bad path segments,
 * queries and headers). No answer may be a 5xx; every error is a problem+json with a code.
 * FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> changes the inputs per route.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 36);
/** The request being answered: printed if the run times out, so a hang names its input. */
let inFlight: string | undefined;

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(async () => {
  if (inFlight) console.log(`fuzz: no answer to ${inFlight} (seed ${SEED})`);
  await t.close();
});

type Fixtures = Record<string, string>;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)]);
const multipart = (fileName: string, type = 'image/png', content: Buffer = PNG) => {
  const boundary = 'fuzzBoundary';
  return {
    boundary,
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
};

/** One real object per resource, so generated paths and uuids reach the services (not just the 404). */
async function seedFixtures(): Promise<Fixtures> {
  const made = async (method: string, url: string, body: unknown, status = 201) => {
    const res = await ws.req(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(status);
    return res.body;
  };
  const hourAgo = new Date(Date.now() - 3600_000).toISOString();
  const contact = (await made('POST', '/v1/contacts', { firstName: 'Fuzz', lastName: 'Target', email: 'fuzz@example.com', phone: '+34612345678' })).id;
  const spares = [];
  for (let i = 0; i < 3; i++) spares.push((await made('POST', '/v1/contacts', { firstName: `Spare ${i}`, email: `spare${i}@example.com` })).id);
  const playbook = await made('POST', '/v1/playbooks', { name: 'Sales', stages: [{ name: 'New' }, { name: 'Won', kind: 'won' }] });
  await made('POST', '/v1/contact-attributes', { key: 'segment', label: 'Segment', type: 'single_select', options: [{ value: 'smb', label: 'SMB' }] });
  const upload = multipart('fixture.png');
  const document = await t.app.inject({
    method: 'POST', url: `/v1/contacts/${contact}/documents`, payload: upload.payload,
    headers: { 'content-type': `multipart/form-data; boundary=${upload.boundary}`, authorization: `Bearer ${ws.apiKey}` },
  });
  expect(document.statusCode, document.body).toBe(201);
  const csv = multipart('contacts.csv', 'text/csv', Buffer.from('Email\nx@example.com\n'));
  const imported = await t.app.inject({
    method: 'POST', url: '/v1/imports', payload: csv.payload,
    headers: { 'content-type': `multipart/form-data; boundary=${csv.boundary}`, authorization: `Bearer ${ws.apiKey}` },
  });
  expect(imported.statusCode, imported.body).toBe(201);
  const job = await made('POST', '/v1/contacts/bulk', { selection: { filter: { field: 'firstName', op: 'eq', value: 'Nobody' } }, action: { type: 'ignore' } }, 202);
  return {
    contact,
    spare0: spares[0]!, spare1: spares[1]!, spare2: spares[2]!,
    user: (await made('POST', '/v1/users', { email: 'member@example.com', name: 'Member', role: 'member' })).id,
    apiKey: (await made('POST', '/v1/api-keys', { name: 'victim', role: 'member' })).id,
    playbook: playbook.id,
    stage: playbook.stages[0].id,
    attribute: (await made('POST', '/v1/contact-attributes', { key: 'budget', label: 'Budget', type: 'number' })).id,
    savedView: (await made('POST', '/v1/saved-views', { name: 'Mine', filter: { field: 'firstName', op: 'eq', value: 'Fuzz' } })).id,
    job: job.id,
    task: (await made('POST', `/v1/contacts/${contact}/tasks`, { title: 'Call back' })).id,
    deal: (await made('POST', `/v1/contacts/${contact}/deals`, { title: 'Deal', amountMinor: 1000, currency: 'EUR' })).id,
    meeting: (await made('POST', `/v1/contacts/${contact}/meetings`, { title: 'Demo', startsAt: '2030-01-01T10:00:00.000Z', endsAt: '2030-01-01T11:00:00.000Z' })).id,
    comment: (await made('POST', `/v1/contacts/${contact}/comments`, { body: 'Hello' })).id,
    document: JSON.parse(document.body).id,
    call: (await made('POST', `/v1/contacts/${contact}/calls`, { direction: 'outbound', outcome: 'answered', startedAt: hourAgo })).id,
    email: (await made('POST', `/v1/contacts/${contact}/emails`, { direction: 'inbound', subject: 'Hi', body: 'Hello', sentAt: hourAgo })).id,
    whatsapp: (await made('POST', `/v1/contacts/${contact}/whatsapp-messages`, { direction: 'inbound', body: 'hola', sentAt: hourAgo })).id,
    template: (await made('POST', '/v1/whatsapp-templates', { name: 'welcome', language: 'es', category: 'utility', body: 'Hola {{1}}' })).id,
    // No API creates one directly; a well-formed id that exists nowhere still reaches the service.
    notification: '0193a000-0000-7000-8000-000000000000',
    import: JSON.parse(imported.body).id,
    integration: (await made('POST', '/v1/integrations', { provider: 'whatsapp', name: 'Fuzz', settings: { phoneNumberId: '1', wabaId: '2', verifyToken: 'v' }, secrets: { appSecret: 's', accessToken: 'a' } })).id,
    // Events arrive by webhook; an id that exists nowhere still reaches the service.
    integrationEvent: '0193a000-0000-7000-8000-000000000001',
  };
}

/** The fixture a path parameter names, from the route's resource. A new route without one fails the test. */
const RESOURCE_OF: [prefix: string, fixture: string][] = [
  ['/v1/users/', 'user'], ['/v1/api-keys/', 'apiKey'], ['/v1/contacts/', 'contact'], ['/v1/playbooks/', 'playbook'],
  ['/v1/contact-attributes/', 'attribute'], ['/v1/saved-views/', 'savedView'], ['/v1/jobs/', 'job'], ['/v1/tasks/', 'task'],
  ['/v1/deals/', 'deal'], ['/v1/meetings/', 'meeting'], ['/v1/comments/', 'comment'], ['/v1/documents/', 'document'],
  ['/v1/calls/', 'call'], ['/v1/emails/', 'email'], ['/v1/whatsapp-messages/', 'whatsapp'], ['/v1/whatsapp-templates/', 'template'],
  ['/v1/notifications/', 'notification'], ['/v1/imports/', 'import'], ['/v1/integrations/', 'integration'],
];
function paramValue(url: string, param: string, fx: Fixtures): string {
  if (param === 'stageId') return fx.stage!;
  if (param === 'provider') return 'whatsapp';
  if (param === 'integrationId') return fx.integration!;
  if (param === 'eventId') return fx.integrationEvent!;
  if (param === '*') return 'index.html';
  const hit = RESOURCE_OF.find(([prefix]) => url.startsWith(prefix));
  if (!hit || param !== 'id') throw new Error(`fuzz: no fixture for :${param} of ${url}; add one to RESOURCE_OF`);
  return fx[hit[1]]!;
}

// ---- hostile values ----
const nest = (levels: number): unknown => {
  let v: unknown = 'core';
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { a: v };
  return v;
};
const HOSTILE_STRINGS = [
  'a\u0000b', '\u0000', 'bell\u0007', 'esc\u001b[31mred', 'tab\tok', 'new\nline', 'cr\r\n', '\ud800', 'x\udfffy', '\u202eevil', '\ufeffbom', 'ñandú 😀',
  '', ' ', '../../etc/passwd', '%00', "' OR 1=1 --", '{{7*7}}', '${process.exit()}', '<script>alert(1)</script>',
  '0000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.001Z', '275760-09-13', '-271821-04-20T00:00:00.000Z', '2026-02-30', '2026-13-01T00:00:00Z',
  '0000-00-00', '9999-12-31', '1970-01-01T00:00:00Z', 'not-a-uuid', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '0193A000-0000-7000-8000-00000000000G', '1e308', 'NaN', '-0', 'true', 'null',
];
const HUGE = ['x'.repeat(70_000), 'é'.repeat(300_000)];
const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS, ...HUGE,
  1e308, -1e308, -0, 0, -1, 1.5, 2 ** 53 + 2, 2 ** 31, -(2 ** 31) - 1, 2 ** 63, 5e-324, 1e21,
  true, false, null, [], {}, [null], [''], { a: null }, ['a\u0000'], { 'k\u0000': 1 }, { __proto__x: 1, constructor: 'x' },
  nest(40), nest(31), Array.from({ length: 25_000 }, () => 0), Array.from({ length: 2_000 }, (_, i) => `v${i}`),
  Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i])),
];
/** Whole bodies JSON.stringify cannot produce, or that are not objects at all. */
const RAW_BODIES = [
  '', 'null', '[]', '"text"', '0', 'true', '[{}]', '{', '{"a":1,}', '\ufeff{}', '{"a":1}{"b":2}',
  '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', '{"x":1e400}', '{"x":-0}', '{"x":"\\ud800"}', '{"x":"\\u0000"}',
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`, `{"filter":${'{"not":'.repeat(5_000)}{}${'}'.repeat(5_000)}}`,
];
const HOSTILE_SEGMENTS = ['%00', '..', '%2e%2e', '%2F', 'not-a-uuid', 'x'.repeat(3000), '%ZZ', '%C0%AF', '%ED%A0%80', '%F0%9F%98%80', '%20', '-1', '0',
  '00000000-0000-0000-0000-000000000000', '0193a000-0000-7000-8000-00000000000z', '0193a000-0000-7000-8000-000000000001', 'a%00b', '%u0000', '%'];
const HOSTILE_QUERY = ['limit=-1', 'limit=0', 'limit=1e9', 'limit=1.5', 'limit=abc', 'limit=99999999999999999999', 'limit=1&limit=2', 'cursor=%00', 'cursor=abc.def',
  'cursor=eyJ2IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA', `cursor=${'A'.repeat(5000)}`, 'q=%00', 'q=%ED%A0%80', 'q=%', 'sort=%00', 'sort=-', 'sort=attributes.', 'sort=attributes.nope',
  '__proto__=x', 'constructor=x', 'unknown=1', 'count=maybe', 'deleted=1', 'archived=%00', 'mode=%00', `q=${'q'.repeat(5000)}`, 'a[b][c]=1', '%00=%00'];
const HOSTILE_HEADERS: Record<string, string[]> = {
  'idempotency-key': ['k\u0000', 'x'.repeat(300), '', ' ', '../x', 'key with spaces', 'ok-key-1', 'k\u0001'],
  'if-match': ['"1"', 'W/"1"', '*', '"999999999999999"', '"-1"', '1e3', '"1", "2"', 'x'.repeat(1000), '"\u0001"', '"1\u0000"', ''],
  'content-type': ['text/plain', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'multipart/form-data', 'application/x-www-form-urlencoded',
    'APPLICATION/JSON', 'application/problem+json', 'application/json\u0000', 'application/json; boundary=--', ''],
};

/** Percent-encodes like encodeURIComponent, but a lone surrogate becomes its WTF-8 bytes instead of a throw. */
const encode = (s: string): string =>
  [...s].map((ch) => {
    const c = ch.codePointAt(0)!;
    if (c < 0xd800 || c > 0xdfff) return encodeURIComponent(ch);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  }).join('');

const POISONS = ['\u0000', '\u0007', '\u001b', '\ud800', '\udc00', '\n'];
/** A copy of a value with the poison inserted into every string and member name. */
function poisonStrings(value: unknown, poison: string): unknown {
  if (typeof value === 'string') return `${value.slice(0, 1)}${poison}${value.slice(1)}`;
  if (Array.isArray(value)) return value.map((v) => poisonStrings(v, poison));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poisonStrings(v, poison)]));
  return value;
}
const poisonQuery = (q: string, poison: string): string =>
  [...new URLSearchParams(q)].map(([k, v]) => `${encode(k)}=${encode(`${v.slice(0, 1)}${poison}${v.slice(1)}`)}`).join('&') || `q=${encode(poison)}`;

type Route = { method: string; url: string };
type Probe = { method: string; url: string; headers: Record<string, string>; payload?: string | Buffer; label: string };

function operationOf(doc: JsonSchema, route: Route): JsonSchema | undefined {
  const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
  return doc.paths?.[path]?.[route.method.toLowerCase()];
}

/** The arbitrary of requests for one route: valid-looking ones, and each kind of hostile mutation. */
function probesFor(route: Route, op: JsonSchema | undefined, fx: Fixtures, gen: GenContext): fc.Arbitrary<Probe> {
  const params = [...route.url.matchAll(/:([A-Za-z]+)|\*/g)].map((m) => m[1] ?? '*');
  const pathWith = (override?: [string, string]) =>
    route.url.replace(/:([A-Za-z]+)|\*/g, (_m, name: string | undefined) => {
      const p = name ?? '*';
      return override && override[0] === p ? override[1] : encodeURIComponent(paramValue(route.url, p, fx)).replace(/%2F/g, '/');
    });
  // A valid cursor cannot be made up: cursors come from the hostile query mutations only.
  const queryParams = ((op?.parameters ?? []) as JsonSchema[]).filter((p) => p.in === 'query' && p.name !== 'cursor');
  const queryFields: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(queryParams.map((p) => [p.name, arbitraryFor(p.schema, gen, p.name)]));
  const requiredQuery: string[] = queryParams.filter((p) => p.required).map((p) => p.name);
  const queryArb = fc.record(queryFields, { requiredKeys: requiredQuery }).map((q) => new URLSearchParams(Object.entries(q).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString());
  const bodySchema = op?.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
  const bodyArb: fc.Arbitrary<unknown> = bodySchema ? arbitraryFor(bodySchema, gen) : hasBody ? fc.constant({}) : fc.constant(undefined);
  const headers = (extra: Record<string, string> = {}, body?: unknown) => ({
    authorization: `Bearer ${ws.apiKey}`,
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...extra,
  });
  const probe = (label: string, q: string, body: unknown, extra: Record<string, string> = {}, path = pathWith()): Probe => ({
    method: route.method, url: q ? `${path}?${q}` : path, label,
    headers: headers(extra, body),
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

  const valid = fc.tuple(queryArb, bodyArb).map(([q, b]) => probe('valid', q, b));
  const hostileValue = fc.constantFrom(...HOSTILE_VALUES);
  const field = fc.tuple(queryArb, bodyArb, fc.nat(), hostileValue, fc.boolean()).map(([q, b, pick, value, nested]) => {
    const body = b && typeof b === 'object' && !Array.isArray(b) ? { ...(b as Record<string, unknown>) } : {};
    const keys = [...new Set([...Object.keys(body), ...Object.keys(bodySchema?.properties ?? {}), 'unknownField'])];
    const key = keys[pick % keys.length]!;
    const inner = body[key];
    if (nested && inner && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner).length) {
      const innerKey = Object.keys(inner)[pick % Object.keys(inner).length]!;
      body[key] = { ...(inner as Record<string, unknown>), [innerKey]: value };
      return probe(`body /${key}/${innerKey}`, q, body);
    }
    if (nested && Array.isArray(inner) && inner.length) {
      body[key] = inner.map((x, i) => (i === pick % inner.length ? value : x));
      return probe(`body /${key}/${pick % inner.length}`, q, body);
    }
    body[key] = value;
    return probe(`body /${key}`, q, body);
  });
  // Every string of a valid body (keys too) carries the same poison: reaches whichever field the route stores.
  const poisoned = fc.tuple(queryArb, bodyArb, fc.constantFrom(...POISONS), fc.boolean()).map(([q, b, poison, inQuery]) =>
    inQuery ? probe(`query poisoned ${JSON.stringify(poison)}`, poisonQuery(q, poison), b) : probe(`body poisoned ${JSON.stringify(poison)}`, q, poisonStrings(b, poison)));
  const raw = fc.constantFrom(...RAW_BODIES).map((text) => probe('raw body', '', text, { 'content-type': 'application/json' }));
  const queryMutation = fc.tuple(queryArb, fc.constantFrom(...HOSTILE_QUERY), fc.nat(), fc.constantFrom(...HOSTILE_STRINGS), bodyArb).map(([q, hostile, pick, value, b]) => {
    const declared = queryParams[pick % Math.max(1, queryParams.length)]?.name;
    const extra = declared && pick % 2 ? `${encode(declared)}=${encode(value)}` : hostile;
    return probe(`query ${extra.slice(0, 40)}`, [q, extra].filter(Boolean).join('&'), b);
  });
  const arbs: fc.Arbitrary<Probe>[] = [valid, valid, queryMutation, queryMutation, poisoned];
  if (hasBody) arbs.push(field, field, field, raw, poisoned, poisoned);
  if (params.length) {
    arbs.push(fc.tuple(fc.constantFrom(...params), fc.constantFrom(...HOSTILE_SEGMENTS, fx.spare0!, fx.deal!, fx.contact!.toUpperCase()), bodyArb)
      .map(([p, seg, b]) => probe(`param ${p}=${seg.slice(0, 40)}`, '', b, {}, pathWith([p, seg]))));
  }
  const headerNames = ['content-type', ...(route.method === 'POST' ? ['idempotency-key'] : []), ...(['PATCH', 'DELETE', 'PUT'].includes(route.method) ? ['if-match'] : [])];
  arbs.push(fc.tuple(fc.constantFrom(...headerNames), fc.nat(), bodyArb).map(([name, pick, b]) => {
    const values = HOSTILE_HEADERS[name]!;
    const value = values[pick % values.length]!;
    return probe(`header ${name}: ${JSON.stringify(value.slice(0, 30))}`, '', b ?? (name === 'content-type' ? 'plain text' : undefined), { [name]: value });
  }));
  if (route.url === '/v1/contacts/:id/documents' && route.method === 'POST') {
    arbs.push(fc.tuple(fc.constantFrom(...HOSTILE_STRINGS, 'a.png', 'x'.repeat(5000)), fc.constantFrom('image/png', 'text/plain', 'application/x-msdownload', 'a\u0001b', ''))
      .map(([name, type]) => {
        const m = multipart(name.replace(/["\r\n]/g, '_'), type);
        return { ...probe(`upload ${JSON.stringify(name.slice(0, 30))} ${type}`, '', undefined), payload: m.payload, headers: headers({ 'content-type': `multipart/form-data; boundary=${m.boundary}` }) };
      }));
  }
  return fc.oneof(...arbs);
}

type Outcome = { status: number; contentType: string; text: string };
async function send(p: Probe): Promise<Outcome | undefined> {
  try {
    // From an address of its own (TEST-NET-1): its failed sign-ins spend that address's budgets, not
    // those of 127.0.0.1, which the browser tests sign in from (on PostgreSQL every file shares the counters).
    const res = await t.app.inject({ method: p.method as 'GET', url: p.url, headers: p.headers, remoteAddress: '192.0.2.66', ...(p.payload === undefined ? {} : { payload: p.payload }) });
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text: res.body };
  } catch (err) {
    // The HTTP client itself refuses some headers (a NUL in a value): such a request can never arrive.
    if (err instanceof TypeError && /header/i.test(err.message)) return undefined;
    throw err;
  }
}

/** Why an answer breaks the contract, or undefined when it keeps it. */
function breach(res: Outcome): string | undefined {
  if (res.status >= 500) return `answered ${res.status}`;
  if (res.status < 400) return undefined;
  if (!res.contentType.includes('application/problem+json')) return `error as ${res.contentType || 'no content type'}`;
  let body: { code?: unknown; status?: unknown; errors?: { pointer?: unknown }[] };
  try {
    body = JSON.parse(res.text);
  } catch {
    return 'error body is not JSON';
  }
  if (typeof body.code !== 'string' || !body.code) return 'problem without a code';
  if (body.status !== res.status) return `problem status ${String(body.status)} on a ${res.status}`;
  if ((body.errors ?? []).length > 100) return `${body.errors!.length} field errors (cap is 100)`;
  if ((body.errors ?? []).some((e) => typeof e.pointer !== 'string' || !e.pointer.startsWith('/'))) return 'field error without a pointer';
  if (res.text.length > 64 * 1024) return `error of ${res.text.length} bytes`;
  return undefined;
}

describe('fuzz: every route of the manifest', () => {
  it('answers hostile input with a problem, never a 5xx', { timeout: 180_000 }, async () => {
    console.log(`fuzz: seed ${SEED}, ${RUNS} inputs per route`);
    const fx = await seedFixtures();
    const doc = t.app.swagger() as JsonSchema;
    const gen: GenContext = {
      components: doc.components?.schemas ?? {},
      // Body uuids: real objects, never the main contact (a merge or a bulk delete would consume it).
      ids: [fx.spare0!, fx.spare1!, fx.spare2!, fx.user!, fx.playbook!, fx.stage!, fx.attribute!, fx.deal!, fx.task!, ws.ownerId],
      idsByName: {
        ownerId: [ws.ownerId, fx.user!], assigneeId: [ws.ownerId, fx.user!], userId: [fx.user!],
        otherContactId: [fx.spare0!, fx.spare1!, fx.spare2!], contactId: [fx.spare0!], ids: [fx.spare0!, fx.spare1!, fx.spare2!],
        playbookId: [fx.playbook!], playbookIds: [fx.playbook!], stageId: [fx.stage!], stageIds: [fx.stage!],
      },
    };
    // Deletes last, and the contact's own delete very last, so earlier routes find their objects.
    // CORS preflights (OPTIONS) are not operations and have no schema to fuzz from; src/web-forms tests them.
    const routes = t.app.routeManifest.filter((r) => r.method !== 'OPTIONS').sort((a, b) => rank(a) - rank(b));
    expect(routes.length).toBeGreaterThan(90);
    // Every API route has its schema in the document, or the generator would only be guessing.
    expect(routes.filter((r) => r.url.startsWith('/v1/') && !operationOf(doc, r)).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    const failures: string[] = [];
    let inputs = 0;
    let errors = 0;
    let fivexx = 0;
    let breaches = 0;
    for (const [i, route] of routes.entries()) {
      const arb = probesFor(route, operationOf(doc, route), fx, gen);
      for (const p of fc.sample(arb, { seed: SEED + i, numRuns: RUNS })) {
        inFlight = `${route.method} ${route.url} [${p.label}] ${p.url.slice(0, 200)}`;
        const res = await send(p);
        inFlight = undefined;
        if (!res) continue;
        inputs++;
        if (res.status >= 400) errors++;
        if (res.status >= 500) fivexx++;
        const why = breach(res);
        if (why) breaches++;
        if (why && failures.length < 50) failures.push(`${route.method} ${route.url} [${p.label}] ${p.url.slice(0, 120)}: ${why}: ${res.text.slice(0, 300)}`);
      }
    }
    console.log(`fuzz (${backend()}): ${inputs} inputs over ${routes.length} routes, error answers ${errors}, 5xx = ${fivexx}, contract breaches = ${breaches}; seed ${SEED} (FUZZ_SEED=${SEED} replays)`);
    expect(failures, `seed ${SEED}: ${breaches} breaches, the first ${failures.length} listed`).toEqual([]);
  });
});

const rank = (r: Route) => (r.method !== 'DELETE' ? 0 : r.url === '/v1/contacts/:id' ? 2 : 1);
