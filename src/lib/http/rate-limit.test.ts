import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testConfig } from '../../../test/harness.ts';
import { buildApp } from '../../app.ts';
import type { Config } from '../../config.ts';
import { makeDeps } from '../../deps.ts';
import { fixedClock } from '../clock.ts';
import type { Database } from '../db.ts';

/**
 * Two app instances over one database stand for two API processes behind a load balancer: every
 * budget below is spent half through one and half through the other.
 */
const clock = fixedClock('2026-11-28T09:00:00.000Z');
let database: Database;
type Instance = Awaited<ReturnType<typeof instance>>;
let a: Instance;
let b: Instance;
let keys: { owner: string; other: string };

async function instance(config: Partial<Config>) {
  const deps = await makeDeps(testConfig(config), database, clock);
  // Counts key lookups (each one a hash and a query) without changing what they do.
  const real = deps.services.apiKeys;
  const counter = { lookups: 0 };
  deps.services.apiKeys = { ...real, authenticate: (secret: string) => (counter.lookups++, real.authenticate(secret)) };
  const app = await buildApp(deps, { logger: false });
  const send = async (ip: string, apiKey: string | null, url = '/v1/contacts') => {
    const res = await app.inject({ method: 'GET', url, remoteAddress: ip, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
    return { status: res.statusCode, headers: res.headers, body: res.body ? JSON.parse(res.body) : undefined };
  };
  return { app, deps, counter, send };
}

const config = { rateLimitPerMinute: 5, authFailuresPerMinute: 3 };
beforeAll(async () => {
  database = await openTestDatabase();
  a = await instance(config);
  b = await instance(config);
  const w1 = await a.deps.services.workspaces.create({ name: 'Noisy' });
  const w2 = await a.deps.services.workspaces.create({ name: 'Quiet' });
  keys = { owner: w1.apiKey.secret, other: w2.apiKey.secret };
});
afterAll(async () => {
  await a?.app.close();
  await b?.app.close();
  await database?.close();
});

/** A well-formed key that exists nowhere, with its own public prefix. */
const bogus = (prefix: string) => `vx_live_${prefix}_${'x'.repeat(43)}`;

function expectRateLimited(r: { status: number; headers: Record<string, unknown>; body: { code: string } }, policy: string) {
  expect(r.status).toBe(429);
  expect(r.body.code).toBe('rate_limited');
  expect(String(r.headers['content-type'])).toContain('application/problem+json');
  const retryAfter = Number(r.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(Number(r.headers['ratelimit-reset'])).toBe(retryAfter);
  expect(r.headers['ratelimit-remaining']).toBe('0');
  expect(r.headers.ratelimit).toBe(`"${policy}";r=0;t=${retryAfter}`);
  expect(String(r.headers['ratelimit-policy'])).toMatch(new RegExp(`^"${policy}";q=\\d+;w=60$`));
  return retryAfter;
}

describe('per-key budget, shared by every process on the database', () => {
  it('allows exactly the quota per key across two instances, then 429 problems with Retry-After; other keys are unaffected', async () => {
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await (i % 2 ? b : a).send('198.51.100.1', keys.owner));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(results.slice(0, 5).map((r) => Number(r.headers['ratelimit-remaining']))).toEqual([4, 3, 2, 1, 0]);
    expect(results[0]!.headers['ratelimit-policy']).toBe('"key";q=5;w=60');
    const retryAfter = results.slice(5).map((r) => expectRateLimited(r, 'key'))[0]!;
    expect((await b.send('198.51.100.1', keys.other)).status).toBe(200);
    expect((await a.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // Once Retry-After has passed, the key has a fresh window.
    clock.advance(retryAfter * 1000);
    const again = await b.send('198.51.100.1', keys.owner);
    expect(again.status).toBe(200);
    expect(again.headers['ratelimit-remaining']).toBe('4');
  });
  it('counts concurrent requests through both processes exactly', async () => {
    const { apiKey } = await a.deps.services.workspaces.create({ name: 'Concurrent' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).send('198.51.100.2', apiKey.secret)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(15);
    expect(results.filter((r) => r.status === 200).map((r) => Number(r.headers['ratelimit-remaining'])).sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('failed authentications, budgeted per IP before the key lookup', () => {
  it('refuses a credential that spent its failures with 429, without a lookup, in every process', async () => {
    const ip = '203.0.113.10';
    const key = bogus('deadbeef');
    expect((await a.send(ip, key)).status).toBe(401);
    expect((await b.send(ip, key)).status).toBe(401);
    expect((await a.send(ip, key)).status).toBe(401);
    const before = a.counter.lookups + b.counter.lookups;
    expectRateLimited(await a.send(ip, key), 'auth-failures');
    expectRateLimited(await b.send(ip, key), 'auth-failures');
    expect(a.counter.lookups + b.counter.lookups).toBe(before);
    // The same office (one NAT address): colleagues' valid keys still work, and so does asking
    // without credentials, which has its own budget.
    expect((await b.send(ip, keys.owner)).status).toBe(200);
    expect((await a.send(ip, null)).status).toBe(401);
    // Another address is not concerned.
    expect((await a.send('203.0.113.11', key)).status).toBe(401);
  });

  it('refuses the whole IP, valid keys included, only after ten credentials each spent their budget', async () => {
    const ip = '203.0.113.20';
    for (let n = 0; n < 9; n++) for (let i = 0; i < 3; i++) expect((await (i % 2 ? b : a).send(ip, bogus(`0000000${n}`))).status).toBe(401);
    // A credential looping after its budget is refused before the lookup and adds nothing to the IP's.
    for (let i = 0; i < 5; i++) expect((await a.send(ip, bogus('00000000'))).status).toBe(429);
    expect((await a.send(ip, keys.other)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await b.send(ip, bogus('00000009'))).status).toBe(401);
    const before = a.counter.lookups + b.counter.lookups;
    const refused = await a.send(ip, keys.other);
    expectRateLimited(refused, 'auth-failures');
    expect(refused.headers['ratelimit-policy']).toBe('"auth-failures";q=30;w=60');
    expect((await b.send(ip, bogus('0000000a'))).status).toBe(429);
    expect(a.counter.lookups + b.counter.lookups).toBe(before);
    expect((await b.send('203.0.113.21', keys.other)).status).toBe(200);
  });

  it('counts the client behind a trusted proxy, and ignores X-Forwarded-For from anyone else', async () => {
    const proxied = await instance({ ...config, trustProxy: ['127.0.0.1'] });
    try {
      const via = (client: string) =>
        proxied.app.inject({ method: 'GET', url: '/v1/contacts', remoteAddress: '127.0.0.1', headers: { authorization: `Bearer ${bogus('facade00')}`, 'x-forwarded-for': client } });
      for (let i = 0; i < 3; i++) expect((await via('192.0.2.1')).statusCode).toBe(401);
      expect((await via('192.0.2.1')).statusCode).toBe(429);
      expect((await via('192.0.2.2')).statusCode).toBe(401);
      // Not behind a trusted proxy: a client cannot pick a fresh address per request.
      const spoof = (client: string) =>
        a.app.inject({ method: 'GET', url: '/v1/contacts', remoteAddress: '203.0.113.30', headers: { authorization: `Bearer ${bogus('facade00')}`, 'x-forwarded-for': client } });
      for (let i = 0; i < 3; i++) expect((await spoof(`192.0.2.${10 + i}`)).statusCode).toBe(401);
      expect((await spoof('192.0.2.20')).statusCode).toBe(429);
    } finally {
      await proxied.app.close();
    }
  });

  it('gives the budget back when its window ends, and purges ended windows', async () => {
    const ip = '203.0.113.10';
    const refused = await a.send(ip, bogus('deadbeef'));
    clock.advance(expectRateLimited(refused, 'auth-failures') * 1000);
    expect((await b.send(ip, bogus('deadbeef'))).status).toBe(401);

    clock.advance(120_000);
    const ended = async () =>
      Number((await database.raw('SELECT count(*) AS n FROM rate_limits WHERE expires_at < $1', [clock.now().toISOString()])).rows[0]!.n);
    expect(await ended()).toBeGreaterThan(0);
    expect((await a.send('198.51.100.1', keys.owner)).status).toBe(200);
    expect(await ended()).toBe(0);
  });
});

describe('budgets above the decision margin (decided from each process view while far from the limit)', () => {
  const hitsOf = async (key: string) => Number((await database.raw('SELECT hits FROM rate_limits WHERE key = $1', [key])).rows[0]?.hits ?? 0);

  it('keeps a per-key quota of 60 exact across two instances, and writes every request it counted', async () => {
    const p = await instance({ rateLimitPerMinute: 60, authFailuresPerMinute: 3 });
    const q = await instance({ rateLimitPerMinute: 60, authFailuresPerMinute: 3 });
    try {
      const { apiKey } = await p.deps.services.workspaces.create({ name: 'Sixty' });
      const statuses: number[] = [];
      for (let i = 0; i < 70; i++) statuses.push((await (i % 2 ? q : p).send('198.51.100.3', apiKey.secret)).status);
      expect(statuses).toEqual([...Array<number>(60).fill(200), ...Array<number>(10).fill(429)]);
      expect(await hitsOf(`key:${apiKey.id}`)).toBe(70);
    } finally {
      await p.app.close();
      await q.app.close();
    }
  });

  it('refuses a credential after exactly its 60 failures across two instances', async () => {
    const p = await instance({ authFailuresPerMinute: 60 });
    const q = await instance({ authFailuresPerMinute: 60 });
    try {
      const ip = '203.0.113.40';
      const key = bogus('0badf00d');
      // A valid key first: its budgets are peeked once and then known far from spent.
      for (let i = 0; i < 3; i++) expect((await (i % 2 ? q : p).send(ip, keys.other)).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 62; i++) statuses.push((await (i % 2 ? q : p).send(ip, key)).status);
      expect(statuses).toEqual([...Array<number>(60).fill(401), 429, 429]);
      expect(await hitsOf(`authfail:${ip}:vx_live_0badf00d`)).toBe(60);
    } finally {
      await p.app.close();
      await q.app.close();
    }
  });
});

describe('where budgets are kept', () => {
  it('is an unlogged table: a counted request waits for no WAL flush of its own', async () => {
    // 'u': unlogged (migration 1380); a logged table ('p') made every webhook delivery two durable commits.
    const { rows } = await database.raw(`SELECT relpersistence FROM pg_class WHERE oid = 'rate_limits'::regclass`, []);
    expect(rows[0]?.relpersistence).toBe('u');
  });
});
