import type { Deps } from '../src/deps.ts';
import { prepareList, type ListRequest } from '../src/contact-lists/contact-query.ts';
import type { Client } from './http.ts';
import type { World } from './load.ts';
import { timeMany, type Row } from './measure.ts';
import { inWorkspace } from '../src/lib/tenant-scope.ts';

type Page = { data: { id: string }[]; nextCursor: string | null };

/** Latency and ratio targets are reported apart: a fixed per-request cost weighs on fast queries. */
const verdict = (latency: boolean, ratio: boolean) => `latency ${latency ? 'yes' : '**no**'} · ratio ${ratio ? 'yes' : '**no**'}`;
type Shape = { name: string; body: Omit<ListRequest, 'limit'>; needs?: 'attention' };

/** The ten B2 filter shapes of performance.md, each with the sort a user would pick for it. */
export function shapes(w: World): Shape[] {
  const daysAgo = (d: number) => d * 86400;
  return [
    { name: 'pending attention', needs: 'attention', body: { filter: { field: 'pendingAttention', op: 'eq', value: true }, sort: '-timeWaiting' } },
    { name: 'stage', body: { filter: { field: 'stageId', op: 'eq', value: w.stageIds[2] } } },
    { name: 'owner', body: { filter: { field: 'ownerId', op: 'eq', value: w.owners[3] } } },
    { name: 'source', body: { filter: { field: 'source', op: 'eq', value: 'web' } } },
    { name: 'consent', body: { filter: { field: 'consents.marketingWhatsapp', op: 'eq', value: true } } },
    { name: 'custom select', body: { filter: { field: 'attributes.plan', op: 'eq', value: 'enterprise' } } },
    { name: 'custom number range', body: { filter: { field: 'attributes.budget', op: 'between', value: [20000, 30000] }, sort: 'attributes.budget' } },
    { name: 'time in stage', body: { filter: { and: [{ field: 'stageId', op: 'eq', value: w.stageIds[1] }, { field: 'timeInStage', op: 'gte', value: daysAgo(30) }] }, sort: '-timeInStage' } },
    { name: 'WhatsApp window open', needs: 'attention', body: { filter: { field: 'whatsappWindow', op: 'open', value: true } } },
    { name: 'combined', body: { filter: { and: [{ field: 'ownerId', op: 'in', value: w.owners.slice(0, 5) }, { field: 'source', op: 'in', value: ['web', 'meta_ads', 'typeform'] }, { or: [{ field: 'consents.marketingWhatsapp', op: 'eq', value: true }, { field: 'stageId', op: 'in', value: w.stageIds.slice(0, 2) }] }] }, sort: '-updatedAt' } },
  ];
}

/**
 * HTTP p95 of a request and the p95 of the very same SQL run directly on the database: for a
 * search, the exact-identifier query that heads page 1 and then the page query, skipped (as the
 * API skips it) when a whole email found its contact.
 */
async function measurePair(deps: Deps, w: World, api: Client, req: ListRequest, n: number) {
  const http = await timeMany(n, 10, () => api('POST', '/v1/contacts/search', req));
  const { pageQueries, exactQuery, exactOnly } = await inWorkspace(w.actor.workspaceId, () => prepareList(deps.db, deps.cursors, w.actor, req, { prefix: '', status: 422 }, deps.clock.now()));
  const page = (await inWorkspace(w.actor.workspaceId, pageQueries)).queries[0]!.toSQL();
  const exact = exactQuery?.toSQL();
  const direct = await timeMany(n, 10, async () => {
    const found = exact ? (await deps.database.raw(exact.sql, exact.params)).rows.length : 0;
    if (!(exactOnly && found > 0)) await deps.database.raw(page.sql, page.params);
  });
  return { http, direct };
}

async function deepCursor(api: Client, body: object, depth: number): Promise<string | null> {
  let cursor: string | null = null;
  for (let seen = 0; seen < depth; seen += 500) {
    const page: Page = await api('POST', '/v1/contacts/search', { ...body, limit: 500, ...(cursor ? { cursor } : {}) });
    if (!page.nextCursor) return cursor;
    cursor = page.nextCursor;
  }
  return cursor;
}

export async function benchList(deps: Deps, w: World, api: Client, n: number, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const shape of shapes(w)) {
    if (shape.needs === 'attention' && !w.attention) {
      rows.push({ id: 'B2', case: `${shape.name}`, value: 'n/a', target: 'p95 ≤ 15, p99 ≤ 30, ≤ 1.5× SQL', note: 'attention columns not in this build' });
      continue;
    }
    try {
      const cursor = await deepCursor(api, shape.body, 10_000);
      for (const [label, req] of [['first page', { ...shape.body, limit: 50 }], [cursor ? 'deep page (10k)' : 'deep page (fewer than 10k rows)', { ...shape.body, limit: 50, ...(cursor ? { cursor } : {}) }]] as const) {
        const { http, direct } = await measurePair(deps, w, api, req as ListRequest, n);
        const ratio = http.p95 / direct.p95;
        rows.push({ id: 'B2', case: `${shape.name} · ${label}`, value: `p50 ${http.p50.toFixed(2)} ms`, p95: http.p95, p99: http.p99, limitName: 'SQL p95', limitP95: direct.p95, ratio, target: 'p95 ≤ 15, p99 ≤ 30, ≤ 1.5× SQL', note: verdict(http.p95 <= 15 && http.p99 <= 30, ratio <= 1.5) });
        log(`  B2 ${shape.name} ${label}: p95 ${http.p95.toFixed(2)} ms (SQL ${direct.p95.toFixed(2)})`);
      }
    } catch (err) {
      rows.push({ id: 'B2', case: shape.name, value: 'error', target: '', note: String((err as Error).message).slice(0, 120) });
    }
  }
  return rows;
}

/** A contact of the data that B3's queries are made from (two surnames, an email, a Spanish mobile, a company). */
export type SearchSample = { first_name: string; last_name: string; email: string; phone: string; company: string };

/** B3's ten search-box queries, as a user types them, built from one contact that exists. */
export function searchQueries(s: SearchSample): [label: string, q: string][] {
  const [first, second] = s.last_name.split(' ');
  const national = s.phone.slice(3);
  return [
    ['first name, no accent', s.first_name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().split(' ')[0]!],
    ['first surname', first!],
    ['second surname, accent-insensitive', second!.toUpperCase()],
    ['name + surname', `${s.first_name.split(' ')[0]} ${first}`],
    ['email fragment', s.email.split('@')[0]!.slice(0, 9)],
    ['full email (exact identifier)', s.email],
    ['phone digits, national with spaces', `${national.slice(0, 3)} ${national.slice(3, 5)} ${national.slice(5, 7)}`],
    ['phone +34… (exact identifier)', s.phone],
    ['phone 0034…', `0034${national}`],
    ['company fragment', s.company.split(' ')[1]!.slice(0, 6)],
  ];
}

/** B3: the search box, with queries built from names, emails and phones that exist in the data. */
export async function benchSearch(deps: Deps, w: World, api: Client, n: number, log: (s: string) => void): Promise<Row[]> {
  const { rows: sample } = await deps.database.raw(
    `SELECT first_name, last_name, email, phone, company FROM contacts WHERE workspace_id = $1 AND email IS NOT NULL AND phone LIKE '+346%' AND company IS NOT NULL ORDER BY id LIMIT 1 OFFSET $2`,
    [w.workspaceId, 1000],
  );
  const s = sample[0] as SearchSample | undefined;
  if (!s) return [{ id: 'B3', case: 'search', value: 'n/a', target: '', note: 'no sample contact' }];
  const queries = searchQueries(s);
  const rows: Row[] = [];
  for (const [label, q] of queries) {
    const { http, direct } = await measurePair(deps, w, api, { q, limit: 50 }, n);
    rows.push({ id: 'B3', case: `${label}: "${q}"`, value: `p50 ${http.p50.toFixed(2)} ms`, p95: http.p95, p99: http.p99, limitName: 'SQL p95', limitP95: direct.p95, ratio: http.p95 / direct.p95, target: 'p95 ≤ 30', ok: http.p95 <= 30 });
    log(`  B3 ${label}: p95 ${http.p95.toFixed(2)} ms (SQL ${direct.p95.toFixed(2)})`);
  }
  return rows;
}
