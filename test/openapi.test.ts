import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, startTestApp, type TestApp } from './harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('OpenAPI and health', () => {
  it('publishes an OpenAPI 3.1 document covering every /v1 route', async () => {
    const res = await anonymous(t, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(res.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const routes = t.app.routeManifest.filter((r) => r.url.startsWith('/v1/'));
    for (const r of routes) expect(documented, `${r.method} ${r.url}`).toContain(`${r.method} ${r.url}`);
    expect(res.body.paths['/v1/contacts'].post.requestBody).toBeDefined();
  });

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
