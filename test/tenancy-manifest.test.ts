import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from './harness.ts';
import { uuidv7 } from '../src/lib/ids.ts';

/**
 * Walks every route the app registers (so a new endpoint is covered automatically):
 * without credentials each /v1 route is a 401 problem; with credentials an id that is not the
 * workspace's own is a 404 problem, never a 403 or a 5xx. Each feature also has its own tests that
 * another workspace's real objects answer 404.
 */
let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(() => t.close());

const fill = (url: string) => url.replace(/:[A-Za-z]+/g, () => uuidv7());

describe('route manifest', () => {
  it('requires credentials on every /v1 route', async () => {
    const routes = t.app.routeManifest.filter((r) => r.url.startsWith('/v1/') && !r.public);
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      const res = await t.app.inject({ method: r.method as 'GET', url: fill(r.url) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers 404 (never 403 or 5xx) for ids the workspace does not own', async () => {
    const routes = t.app.routeManifest.filter((r) => r.url.startsWith('/v1/') && r.url.includes('/:') && !r.public);
    for (const r of routes) {
      const res = await ws.req(r.method, fill(r.url), ['POST', 'PATCH', 'PUT'].includes(r.method) ? {} : undefined);
      expect([404, 422, 400], `${r.method} ${r.url} → ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
      expect(res.status).not.toBe(403);
    }
  });
});
