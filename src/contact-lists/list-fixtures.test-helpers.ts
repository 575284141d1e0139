import { expect } from 'vitest';
import type { TestWorkspace } from '../../test/harness.ts';
import { foldText } from './fold.ts';

export type C = {
  id: string; firstName: string; lastName: string; email: string | null; phone: string | null; company: string | null;
  ownerId: string | null; source: string; createdAt: string; updatedAt: string; consents: Record<string, boolean>;
};

const FIRST = ['José', 'María José', 'Ángel', 'Lucía', 'João', 'Nuria', 'Íñigo', 'jose', 'Óscar', 'Zoe', ''];
const LAST = ['García López', 'Fernández', 'Núñez Ávila', 'Pérez García', 'Conceição', 'Álvarez Ruiz', 'garcia', 'Zúñiga', 'López', ''];
const COMPANIES = ['Acme Ibérica', 'Telefónica', null, 'Cañas y Barro', 'acme'];
const SOURCES = ['api', 'web', 'csv', 'meta_ads'];

/** The i-th fixture contact: varied names with accents, companies, sources, consents, owners. */
export function fixture(i: number, owners: (string | null)[]) {
  return {
    firstName: FIRST[i % FIRST.length],
    lastName: LAST[(i * 3) % LAST.length],
    email: `c${i}.${['ana', 'pepe', 'luz'][i % 3]}@Example${i % 4}.com`,
    phone: i % 3 === 0 ? null : `+34 6${String(10000000 + i * 7919).slice(0, 8)}`,
    company: COMPANIES[i % COMPANIES.length],
    ownerId: owners[i % owners.length],
    source: SOURCES[i % SOURCES.length],
    consents: { marketingWhatsapp: i % 2 === 0, marketingEmail: i % 5 === 0 },
  };
}

/** Walks every page of a POST /v1/contacts/search, optionally doing something between pages. */
export async function walk(ws: TestWorkspace, body: object, limit: number, between?: () => Promise<void>): Promise<C[]> {
  const seen: C[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const res = await ws.req('POST', '/v1/contacts/search', { ...body, limit, ...(cursor ? { cursor } : {}) });
    expect(res.status, res.text).toBe(200);
    seen.push(...res.body.data);
    cursor = res.body.nextCursor;
    if (!cursor) break;
    if (between) await between();
  }
  return seen;
}

/** Sort keys as the database orders them: folded names (byte order), timestamps; ties on id. */
export function comparator(sort: string): (a: C, b: C) => number {
  const desc = sort.startsWith('-');
  const name = desc ? sort.slice(1) : sort;
  const key = (c: C) => (name === 'lastName' || name === 'firstName' ? foldText(c[name]) : c[name as 'createdAt']);
  return (a, b) => {
    const [ka, kb] = [key(a), key(b)];
    const cmp = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return desc ? -cmp : cmp;
  };
}

/** No duplicates, every expected contact present, order respected, nothing outside the filter. */
export function expectWalk(seen: C[], expected: C[], sort: string, matches: (c: C) => boolean) {
  const ids = seen.map((c) => c.id);
  expect(new Set(ids).size, 'no duplicates').toBe(ids.length);
  const got = new Set(ids);
  for (const e of expected) expect(got.has(e.id), `missing ${e.firstName} ${e.lastName}`).toBe(true);
  for (const c of seen) expect(matches(c), `${c.firstName} ${c.lastName} should not match`).toBe(true);
  const cmp = comparator(sort);
  for (let i = 1; i < seen.length; i++) expect(cmp(seen[i - 1]!, seen[i]!), `order at ${i}`).toBeLessThan(0);
}
