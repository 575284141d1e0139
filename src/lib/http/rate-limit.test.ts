import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';

let t: TestApp;
let noisy: TestWorkspace;
let quiet: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp({ config: { rateLimitPerMinute: 5 } });
  noisy = await t.workspace();
  quiet = await t.workspace();
});
afterAll(() => t.close());

describe('rate limiting', () => {
  it('allows exactly the quota per key, then answers 429 problems with Retry-After; other keys are unaffected', async () => {
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await noisy.req('GET', '/v1/contacts'));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    for (const r of limited) {
      expect(r.body.code).toBe('rate_limited');
      expect(String(r.headers['content-type'])).toContain('application/problem+json');
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    const remaining = results.slice(0, 5).map((r) => Number(r.headers['ratelimit-remaining']));
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    expect((await quiet.req('GET', '/v1/contacts')).status).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
