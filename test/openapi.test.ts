import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILTER_FIELDS } from '../src/contact-lists/filter-fields.ts';
import { FILTER_MAX_CONDITIONS, FILTER_MAX_DEPTH } from '../src/contact-lists/filter-limits.ts';
import { anonymous, startTestApp, type TestApp } from './harness.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is walked as plain JSON
type Node = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

let t: TestApp;
let doc: Node;
const operations: { method: string; path: string; op: Node }[] = [];
beforeAll(async () => {
  t = await startTestApp();
  const res = await anonymous(t, 'GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
  for (const [path, item] of Object.entries<Node>(doc.paths)) {
    for (const method of METHODS) if (item[method]) operations.push({ method, path, op: item[method] });
  }
});
afterAll(() => t.close());

/** Follows a local `$ref` (`#/components/…`) to what it points at; undefined when it dangles. */
function resolve(ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Node)[key] : undefined), doc);
}
const deref = (node: Node): Node => (node.$ref ? deref(resolve(node.$ref) as Node) : node);

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref') out.push(v as string);
      else refsIn(v, out);
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents every /v1 route', () => {
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(operations.map(({ method, path }) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    // A CORS preflight (OPTIONS) is the browser's question before a cross-origin post, not an operation a client calls.
    const routes = t.app.routeManifest.filter((r) => r.url.startsWith('/v1/') && r.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThan(90);
    for (const r of routes) expect(documented, `${r.method} ${r.url}`).toContain(`${r.method} ${r.url}`);
    expect(doc.paths['/v1/contacts'].post.requestBody).toBeDefined();
  });

  it('gives every operation its own camelCase operationId, a summary and described tags', () => {
    const ids = operations.map(({ method, path, op }) => {
      expect(op.operationId, `${method} ${path} has no operationId`).toMatch(/^[a-z][a-zA-Z0-9]+$/);
      expect(op.summary, `${method} ${path} has no summary`).toBeTruthy();
      expect(op.tags?.length, `${method} ${path} has no tag`).toBeGreaterThan(0);
      return op.operationId as string;
    });
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(twice, 'operationIds used twice').toEqual([]);
    const described = new Map((doc.tags as Node[]).map((tag) => [tag.name, tag.description]));
    for (const tag of new Set(operations.flatMap(({ op }) => op.tags))) expect(described.get(tag), `tag ${tag}`).toBeTruthy();
    expect(ids).toEqual(expect.arrayContaining(['listContacts', 'createContact', 'getContact', 'updateContact', 'deleteContact', 'moveContactStage', 'searchContacts']));
  });

  it('resolves every $ref, and names the resources and inputs instead of inlining them', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(500);
    const dangling = [...new Set(refs)].filter((ref) => !ref.startsWith('#/') || resolve(ref) === undefined);
    expect(dangling).toEqual([]);
    const schemas = doc.components.schemas as Node;
    for (const name of ['Contact', 'ContactCreate', 'ContactUpdate', 'ContactFilter', 'ContactSearch', 'Problem', 'Task', 'TaskCreate', 'Deal', 'ContactPage']) {
      expect(schemas[name], name).toBeDefined();
    }
    // A request-only schema is not called `…Input`; both names only where the shapes differ.
    for (const name of Object.keys(schemas).filter((n) => n.endsWith('Input'))) expect(schemas[name.slice(0, -5)], name).toBeDefined();
    const body = (path: string, method: string) => doc.paths[path][method].requestBody.content['application/json'].schema;
    const ok = (path: string, method: string, status: number) => doc.paths[path][method].responses[status].content['application/json'].schema;
    expect(body('/v1/contacts', 'post')).toEqual({ $ref: '#/components/schemas/ContactCreate' });
    expect(body('/v1/contacts/{id}', 'patch')).toEqual({ $ref: '#/components/schemas/ContactUpdate' });
    expect(ok('/v1/contacts/{id}', 'get', 200)).toEqual({ $ref: '#/components/schemas/Contact' });
    // With `fields` the items are the partial `ContactFields`: both pages are named components.
    for (const [path, method] of [['/v1/contacts', 'get'], ['/v1/contacts/search', 'post']] as const) {
      expect(ok(path, method, 200)).toEqual({ anyOf: [{ $ref: '#/components/schemas/ContactPage' }, { $ref: '#/components/schemas/ContactFieldsPage' }] });
    }
    expect(schemas.ContactSearch.properties.filter.$ref).toBe('#/components/schemas/ContactFilter');
  });

  it('declares every error of every operation as application/problem+json, 401, 429 and 500 included', () => {
    for (const { method, path, op } of operations) {
      const statuses = Object.keys(op.responses).map(Number);
      expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining([401, 429, 500]));
      if (op.parameters?.some((p: Node) => deref(p).in === 'path')) expect(statuses, `${method} ${path}`).toContain(404);
      for (const status of statuses.filter((s) => s >= 400)) {
        const response = deref(op.responses[status]);
        expect(Object.keys(response.content), `${method} ${path} ${status}`).toEqual(['application/problem+json']);
        expect(response.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
      }
      expect(deref(op.responses[429]).headers['Retry-After'], `${method} ${path}`).toBeDefined();
      expect(deref(op.responses[401]).headers['WWW-Authenticate'], `${method} ${path}`).toBeDefined();
    }
  });

  it('declares the headers: Idempotency-Key on POST, If-Match where honoured, ETag, Location, rate limits', () => {
    const NO_IDEMPOTENCY_KEY = ['/v1/api-keys', '/v1/users/{id}/invite', '/v1/contacts/export'];
    const headerParams = (op: Node) => (op.parameters ?? []).map((p: Node) => deref(p)).filter((p: Node) => p.in === 'header').map((p: Node) => p.name);
    for (const { method, path, op } of operations) {
      // A POST takes Idempotency-Key unless its answer must not be stored for a replay (a stream, a one-time secret).
      if (method === 'post' && !NO_IDEMPOTENCY_KEY.includes(path)) expect(headerParams(op), `${method} ${path}`).toContain('Idempotency-Key');
      if (method === 'post' && NO_IDEMPOTENCY_KEY.includes(path)) expect(headerParams(op), `${method} ${path}`).not.toContain('Idempotency-Key');
      for (const [status, response] of Object.entries<Node>(op.responses)) {
        if (Number(status) < 400) expect(Object.keys(response.headers ?? {}), `${method} ${path} ${status}`).toEqual(expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']));
        if (status === '201') expect(response.headers.Location, `${method} ${path}`).toBeDefined();
      }
    }
    const update = doc.paths['/v1/contacts/{id}'].patch;
    expect(headerParams(update)).toContain('If-Match');
    expect(update.responses[200].headers.ETag).toBeDefined();
    expect(Object.keys(update.responses)).toContain('412');
    expect(headerParams(doc.paths['/v1/contacts/{id}'].delete)).toContain('If-Match');
    expect(doc.paths['/v1/contacts/{id}'].get.responses[200].headers.ETag).toBeDefined();
    expect(doc.paths['/v1/contacts'].post.responses[201].headers['Idempotent-Replayed']).toBeDefined();
    // Not every write honours If-Match: the document says so only where the handler reads it.
    expect(headerParams(doc.paths['/v1/contacts/{id}/restore'].post)).not.toContain('If-Match');
  });

  it('has servers, a bearer security scheme, and the limits the server enforces', () => {
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const limit = doc.paths['/v1/contacts'].get.parameters.find((p: Node) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: 500 });
    expect(doc.components.schemas.ContactSearch.properties.limit).toMatchObject({ minimum: 1, maximum: 500 });
  });

  it('documents the filter tree as a recursive schema with its limits and every field and operator', () => {
    const schemas = doc.components.schemas as Node;
    expect(schemas.ContactFilter.oneOf.map((s: Node) => s.$ref)).toEqual(
      ['ContactFilterAnd', 'ContactFilterOr', 'ContactFilterNot', 'ContactFilterCondition'].map((n) => `#/components/schemas/${n}`),
    );
    expect(schemas.ContactFilterAnd.properties.and).toMatchObject({ minItems: 1, maxItems: FILTER_MAX_CONDITIONS, items: { $ref: '#/components/schemas/ContactFilter' } });
    expect(schemas.ContactFilterNot.properties.not).toEqual({ $ref: '#/components/schemas/ContactFilter' });
    expect(schemas.ContactFilter.description).toContain(`at most ${FILTER_MAX_DEPTH} levels`);
    expect(schemas.ContactFilter.description).toContain(`${FILTER_MAX_CONDITIONS} conditions`);
    const documented = new Map<string, string[]>();
    for (const branch of schemas.ContactFilterCondition.anyOf as Node[]) {
      const field = branch.properties.field.const ?? branch.properties.field.pattern;
      const ops: string[] = branch.properties.op.enum ?? [branch.properties.op.const];
      documented.set(field, [...(documented.get(field) ?? []), ...ops].sort());
    }
    for (const [field, ops] of Object.entries(FILTER_FIELDS)) expect(documented.get(field), field).toEqual(Object.keys(ops).sort());
    expect([...documented.keys()].filter((f) => !Object.hasOwn(FILTER_FIELDS, f))).toEqual(['^attributes\\.[a-z][a-z0-9_]*$']);
  });

  it('gives the main operations examples', () => {
    const schemas = doc.components.schemas as Node;
    for (const name of ['Contact', 'ContactCreate', 'ContactUpdate', 'ContactSearch', 'ContactFilter', 'TaskCreate', 'Problem']) {
      expect(schemas[name].examples?.length, `${name} has no example`).toBeGreaterThan(0);
    }
  });
});

describe('docs and health', () => {
  it('serves a docs page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });

  it('answers /healthz and /readyz without credentials', async () => {
    expect((await anonymous(t, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await anonymous(t, 'GET', '/readyz')).body).toMatchObject({ status: 'ready' });
  });
});
