import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './harness.ts';
import { BULK_TOPIC } from '../src/bulk/bulk.service.ts';
import { uuidv7 } from '../src/lib/ids.ts';
import { inWorkspace } from '../src/lib/tenant-scope.ts';
import { jobHandlers } from '../src/workers.ts';
import { FIXTURES, type Probe } from './tenancy-fixtures.ts';
import { handledTopics, JOB_FIXTURES, runJobProbes } from './tenancy-jobs.ts';
import { apiSnapshot, idsOf, multipartFile, rowSnapshot, seedWorkspace, type Seeded } from './tenancy-seed.ts';

/**
 * Tenant isolation proved route by route. Workspace B holds a real object of every kind; for
 * every route the app registers, workspace A calls it with B's ids (in the path, the body, the
 * query) and must get exactly the answer its fixture names — 404 for B's objects — with none of
 * B's data in any answer, and B's rows byte-for-byte unchanged afterwards. A route without a
 * fixture, or a fixture without a route, fails the test, so a new endpoint cannot slip through.
 *
 * It runs twice: with row-level security, and with the app's queries run as the owner role
 * (`rowLevelSecurity: false`), where only the application's own workspace conditions keep
 * tenants apart — removing one from a repository must make this test fail.
 */

const routeKey = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

/** Routes that must have a fixture: everything registered except the public probes (health, the document). */
const guardedRoutes = (t: TestApp) => t.app.routeManifest.filter((r) => !r.public).map(routeKey);

async function send(t: TestApp, a: Seeded, method: string, p: Probe) {
  const upload = p.file ? multipartFile(p.file) : undefined;
  const res = await t.app.inject({
    method: method as 'GET',
    url: p.url,
    // An address of its own (TEST-NET-2), so failed sign-in probes do not spend 127.0.0.1's budgets.
    remoteAddress: '198.51.100.66',
    headers: {
      authorization: `Bearer ${a.ws.apiKey}`,
      ...(upload ? { 'content-type': upload.contentType } : p.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...p.headers,
    },
    payload: upload ? upload.payload : p.body === undefined ? undefined : JSON.stringify(p.body),
  });
  let body: unknown;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body, text: res.body };
}

/** The faults of one answer; empty when it is exactly what the fixture says and holds nothing of B's. */
function judge(p: Probe, res: Awaited<ReturnType<typeof send>>, b: Seeded, bIds: string[]): string[] {
  const faults: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- problem bodies are read field by field
  const body = res.body as any;
  if (p.notFound) {
    if (res.status !== 404) faults.push(`expected 404, got ${res.status}`);
    else if (!res.contentType.startsWith('application/problem+json') || body?.code !== 'not_found' || body?.status !== 404) {
      faults.push(`expected a not_found problem, got ${res.contentType} ${res.text.slice(0, 200)}`);
    }
  } else {
    if (res.status !== p.status) faults.push(`expected ${p.status}, got ${res.status}`);
    else if (p.code && body?.code !== p.code) faults.push(`expected code ${p.code}, got ${body?.code}`);
    else if (res.status >= 400 && !res.contentType.startsWith('application/problem+json')) faults.push(`error is not a problem: ${res.contentType}`);
    if (res.status === p.status) {
      for (const id of p.mustInclude ?? []) if (!res.text.includes(id)) faults.push(`A's own ${id} missing from the answer`);
      const extra = p.check?.(body);
      if (extra) faults.push(extra);
    }
  }
  if (res.text.toLowerCase().includes(b.canary)) faults.push(`answer holds B's canary ${b.canary}`);
  const sent = `${p.url} ${JSON.stringify(p.body ?? '')}`;
  const leaked = bIds.filter((id) => res.text.includes(id) && !sent.includes(id));
  if (leaked.length) faults.push(`answer holds B's ids it was not sent: ${leaked.join(', ')}`);
  if (faults.length) faults.push(`answer: ${res.status} ${res.text.slice(0, 300)}`);
  return faults;
}

const modes = [
  { rowLevelSecurity: true, label: 'row-level security on' },
  { rowLevelSecurity: false, label: 'row-level security off, app conditions only' },
];

for (const mode of modes) {
  describe(`route manifest tenancy (${mode.label})`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-tenancy-'));
    let t: TestApp;
    let a: Seeded;
    let b: Seeded;
    beforeAll(async () => {
      t = await startTestApp({ rowLevelSecurity: mode.rowLevelSecurity, config: { dataDir } });
      b = await seedWorkspace(t, 'b', '+34612000');
      a = await seedWorkspace(t, 'a', '+34613000');
    }, 300_000);
    afterAll(async () => {
      await t?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('has a fixture for every registered route, and none for a route that is gone', () => {
      const routes = guardedRoutes(t);
      const missing = routes.filter((k) => !(k in FIXTURES));
      const stale = Object.keys(FIXTURES).filter((k) => !routes.includes(k));
      expect(
        { missing, stale },
        `routes without a tenancy fixture (add one to test/tenancy-fixtures.ts): ${missing.join('; ') || 'none'}; fixtures for routes the app no longer registers: ${stale.join('; ') || 'none'}`,
      ).toEqual({ missing: [], stale: [] });
      for (const [k, f] of Object.entries(FIXTURES)) expect(f.why.length, `${k} says why`).toBeGreaterThan(20);
      const topics = handledTopics(t);
      expect(
        { missing: topics.filter((k) => !(k in JOB_FIXTURES)), stale: Object.keys(JOB_FIXTURES).filter((k) => !topics.includes(k)) },
        'every job topic with a handler needs a fixture in test/tenancy-jobs.ts, and only those',
      ).toEqual({ missing: [], stale: [] });
    });

    it("requires credentials on every /v1 route, even for B's real ids", async () => {
      const routes = guardedRoutes(t).filter((k) => k.includes(' /v1/'));
      expect(routes.length).toBeGreaterThan(50);
      for (const key of routes) {
        const [method, url] = key.split(' ') as [string, string];
        const res = await t.app.inject({ method: method as 'GET', url: url.replace(':stageId', b.stageId).replace(':id', b.contactId) });
        expect(res.statusCode, key).toBe(401);
        expect(res.headers['content-type'], key).toContain('application/problem+json');
        expect(res.body.toLowerCase(), key).not.toContain(b.canary);
      }
    });

    it("answers workspace A with none of B's objects, and leaves B's data unchanged", async () => {
      const routes = guardedRoutes(t).filter((k) => k in FIXTURES);
      const bIds = idsOf(b);
      const rowsBefore = await rowSnapshot(t.database, b.ws.id);
      const apiBefore = await apiSnapshot(b);
      const faults: string[] = [];
      let probes = 0;
      let leaks = 0;
      for (const key of routes) {
        const method = key.slice(0, key.indexOf(' '));
        for (const p of FIXTURES[key]!.probes(a, b)) {
          probes++;
          const res = await send(t, a, p.method ?? method, p);
          const found = judge(p, res, b, bIds);
          if (found.length) leaks++;
          for (const f of found) faults.push(`${key} → ${p.method ?? method} ${p.url}: ${f}`);
        }
      }
      probes += await runJobProbes(t, a, b);
      // A's own queued bulk job over B's contacts, worked as the queue would: each of them fails not_found.
      const ids = [b.contactId, b.contact2Id, ...Array.from({ length: 99 }, () => uuidv7())];
      const queued = await a.ws.req('POST', '/v1/contacts/bulk', { selection: { ids }, action: { type: 'delete' } });
      await inWorkspace(a.ws.id, () => jobHandlers(t.deps)[BULK_TOPIC]!.run({ workspaceId: a.ws.id, jobId: queued.body?.id }, { id: 'tenancy', retryCount: 0, lastAttempt: true }));
      const done = await a.ws.req('GET', `/v1/jobs/${String(queued.body?.id)}`);
      probes += 3;
      const codes = new Set((done.body?.result?.failures ?? []).map((f: { code: string }) => f.code));
      if (queued.status !== 202 || done.body?.status !== 'succeeded' || done.body?.progress?.failed !== 101 || codes.size !== 1 || !codes.has('not_found')) {
        leaks++;
        faults.push(`A's queued bulk job over B's contacts: ${queued.status} → ${done.status} ${done.text.slice(0, 300)}`);
      }
      const rowsAfter = await rowSnapshot(t.database, b.ws.id);
      const apiAfter = await apiSnapshot(b);
      for (const table of Object.keys(rowsBefore)) {
        if (rowsBefore[table] === rowsAfter[table]) continue;
        leaks++;
        faults.push(`B's table ${table} changed: ${rowsBefore[table]} → ${rowsAfter[table]}`);
      }
      for (const url of Object.keys(apiBefore)) {
        if (JSON.stringify(apiBefore[url]) === JSON.stringify(apiAfter[url])) continue;
        leaks++;
        faults.push(`B's GET ${url} changed: ${JSON.stringify(apiAfter[url]).slice(0, 300)}`);
      }
      console.log(`tenancy (${mode.label}): ${routes.length} routes, ${probes} probes, leaks = ${leaks}`);
      expect(faults, faults.join('\n')).toEqual([]);
    }, 300_000);
  });
}
