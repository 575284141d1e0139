import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemHandler } from '../lib/http/problem.ts';
import { registerWebApp, WEB_CSP } from './web-app.ts';

/** The serving rules on a tiny stand-in build, so this runs without `npm run build:web`. */
describe('web app serving', () => {
  const root = mkdtempSync(join(tmpdir(), 'vixiees-web-'));
  // As app.ts builds it: router errors answer as problems too.
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true }, frameworkErrors: (err, request, reply) => problemHandler(err, request, reply) });

  beforeAll(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    app.setErrorHandler(problemHandler);
    app.get('/v1/things', async () => ({ ok: true }));
    await registerWebApp(app, root);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers every app path with index.html, never cached, under the CSP', async () => {
    for (const url of ['/', '/inbox', '/contacts/0193a5f2-7c1e-7b3a-9f7e-2d6c1a0b9e41?from=/inbox', '/sign-in?next=%2Fcontacts']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(WEB_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(WEB_CSP).toContain("script-src 'self'");
    expect(WEB_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('serves hashed assets for a year, immutable, and refuses names that are not plain file names', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.headers['cache-control']).toContain('max-age=31536000');
    for (const url of ['/assets/missing.js', '/assets/..%2Findex.html', '/assets/.hidden', '/assets/index-abc123.js..']) {
      const bad = await app.inject({ url });
      expect(bad.statusCode, url).toBe(404);
      expect(bad.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('leaves the API, docs and probes to the API: unknown ones stay 404 problems, bad paths 400', async () => {
    expect((await app.inject({ url: '/v1/things' })).json()).toEqual({ ok: true });
    for (const url of ['/v1/nothing-here', '/v1', '/docs/nope', '/healthz/x']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ code: 'route_not_found' });
    }
    expect((await app.inject({ url: '/v1/x/%ZZ' })).json()).toMatchObject({ status: 400, code: 'invalid_url' });
    expect((await app.inject({ url: `/v1/${'x'.repeat(300)}` })).json()).toMatchObject({ status: 400, code: 'invalid_url' });
    expect((await app.inject({ method: 'POST', url: '/inbox' })).statusCode).toBe(404);
    // Odd headers never turn into a non-problem error (ranges are ignored).
    for (const headers of [{ range: 'bytes=99999999-' }, { range: 'bytes=abc' }, { 'if-match': '"nope"' }, { 'if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' }]) {
      for (const url of ['/inbox', '/assets/index-abc123.js']) {
        const res = await app.inject({ url, headers });
        expect(res.statusCode < 400 || String(res.headers['content-type']).includes('application/problem+json'), `${url} ${JSON.stringify(headers)} → ${res.statusCode}`).toBe(true);
      }
    }
  });

  it('without a build registers nothing (the API runs alone)', async () => {
    const bare = Fastify();
    await registerWebApp(bare, join(root, 'no-such-build'));
    await bare.ready();
    expect((await bare.inject({ url: '/inbox' })).statusCode).toBe(404);
    await bare.close();
  });
});
