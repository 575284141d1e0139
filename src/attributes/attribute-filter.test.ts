import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startTestApp, type TestApp } from '../../test/harness.ts';
import { contacts } from '../contacts/contacts.tables.ts';
import { systemActor, type Actor } from '../lib/actor.ts';
import { AppError } from '../lib/errors.ts';
import { attributeCondition, attributeSortExpression, type AttributeFilter } from './attribute-filter.ts';
import { loadAttributeDefinitions } from './attributes.service.ts';
import type { AttributeRow } from './attributes.tables.ts';

/**
 * The filter builder without any endpoint: real contacts, real SQL, on whichever backend the
 * run uses (PGlite by default, PostgreSQL with DATABASE_URL). Another workspace holds the same
 * keys and values and must never match.
 */
let t: TestApp;
let actor: Actor;
let defs: Map<string, AttributeRow>;
const names = new Map<string, string>();
const OPTIONS = ['es', 'mx', 'ar', 'co'].map((v) => ({ value: v, label: v.toUpperCase() }));

const PEOPLE: [string, Record<string, unknown>][] = [
  ['ana', { score: 10, renewal: '2026-01-15', plan: 'pro', markets: ['es', 'mx'], vip: true, note: 'hola' }],
  ['bea', { score: 25.5, renewal: '2026-03-01', plan: 'basic', markets: ['mx'], vip: false }],
  ['carl', { score: -3, renewal: '2025-12-31', plan: 'pro', markets: ['ar', 'co', 'es'] }],
  ['dora', { score: 100, plan: 'enterprise', note: 'adiós' }],
  ['eve', {}],
];

beforeAll(async () => {
  t = await startTestApp();
  const seed = async (a: Actor, tag: string) => {
    const svc = t.deps.services.contactAttributes;
    await svc.create(a, { key: 'score', label: 'Score', type: 'number', required: false });
    await svc.create(a, { key: 'renewal', label: 'Renewal', type: 'date', required: false });
    await svc.create(a, { key: 'plan', label: 'Plan', type: 'single_select', options: ['basic', 'pro', 'enterprise'].map((v) => ({ value: v, label: v })), required: false });
    await svc.create(a, { key: 'markets', label: 'Markets', type: 'multi_select', options: OPTIONS, required: false });
    await svc.create(a, { key: 'vip', label: 'VIP', type: 'boolean', required: false });
    await svc.create(a, { key: 'note', label: 'Note', type: 'text', required: false });
    for (const [name, customAttributes] of PEOPLE) {
      const c = await t.deps.services.contacts.create(a, { firstName: name, email: `${name}.${tag}@example.com`, customAttributes });
      if (tag === 'mine') names.set(c.id, name);
    }
  };
  const mine = await t.workspace();
  const theirs = await t.workspace();
  actor = systemActor(mine.id);
  await seed(actor, 'mine');
  await seed(systemActor(theirs.id), 'theirs');
  defs = await loadAttributeDefinitions(t.database.systemDb, mine.id);
});
afterAll(() => t.close());

async function matching(filter: AttributeFilter): Promise<string[]> {
  const rows = await t.database.systemDb
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, actor.workspaceId), isNull(contacts.deletedAt), attributeCondition(defs.get(filter.key)!, filter)))
    .orderBy(asc(contacts.id));
  return rows.map((r) => names.get(r.id)!).sort();
}

describe(`attribute filters (${backend()})`, () => {
  it.each<[string, AttributeFilter, string[]]>([
    ['number equals', { key: 'score', op: 'eq', value: 25.5 }, ['bea']],
    ['number in', { key: 'score', op: 'in', value: [10, 100, 7] }, ['ana', 'dora']],
    ['number at least', { key: 'score', op: 'gte', value: 10 }, ['ana', 'bea', 'dora']],
    ['number at most', { key: 'score', op: 'lte', value: 10 }, ['ana', 'carl']],
    ['number between (inclusive)', { key: 'score', op: 'between', value: [-3, 25.5] }, ['ana', 'bea', 'carl']],
    ['number empty', { key: 'score', op: 'is_empty' }, ['eve']],
    ['date between', { key: 'renewal', op: 'between', value: ['2026-01-01', '2026-12-31'] }, ['ana', 'bea']],
    ['date before', { key: 'renewal', op: 'lte', value: '2026-01-15' }, ['ana', 'carl']],
    ['date not empty', { key: 'renewal', op: 'is_empty', value: false }, ['ana', 'bea', 'carl']],
    ['single select equals', { key: 'plan', op: 'eq', value: 'pro' }, ['ana', 'carl']],
    ['single select one of', { key: 'plan', op: 'in', value: ['basic', 'enterprise'] }, ['bea', 'dora']],
    ['multi select contains any', { key: 'markets', op: 'contains_any', value: ['mx', 'co'] }, ['ana', 'bea', 'carl']],
    ['multi select contains all', { key: 'markets', op: 'contains_all', value: ['es', 'mx'] }, ['ana']],
    ['multi select empty', { key: 'markets', op: 'is_empty' }, ['dora', 'eve']],
    ['boolean true', { key: 'vip', op: 'eq', value: true }, ['ana']],
    ['boolean false', { key: 'vip', op: 'eq', value: false }, ['bea']],
    ['text equals (exact, accents kept)', { key: 'note', op: 'eq', value: 'adiós' }, ['dora']],
  ])('%s', async (_name, filter, expected) => {
    expect(await matching(filter)).toEqual(expected);
  });

  it('sorts by an attribute: numbers numerically, dates chronologically, contacts without a value last', async () => {
    const order = async (key: string, dir: 'ASC' | 'DESC') => {
      const expr = attributeSortExpression(defs.get(key)!);
      const rows = await t.database.systemDb
        .select({ id: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.workspaceId, actor.workspaceId), isNull(contacts.deletedAt)))
        .orderBy(sql`${expr} ${sql.raw(dir)} NULLS LAST`, asc(contacts.id));
      return rows.map((r) => names.get(r.id));
    };
    expect(await order('score', 'ASC')).toEqual(['carl', 'ana', 'bea', 'dora', 'eve']);
    expect(await order('score', 'DESC')).toEqual(['dora', 'bea', 'ana', 'carl', 'eve']);
    expect((await order('renewal', 'ASC')).slice(0, 3)).toEqual(['carl', 'ana', 'bea']);
    expect(() => attributeSortExpression(defs.get('markets')!)).toThrow(AppError);
  });

  it.each<[string, AttributeFilter, string, string]>([
    ['a range on a select', { key: 'plan', op: 'gte', value: 'pro' }, '/op', 'unsupported_operator'],
    ['an option that does not exist', { key: 'plan', op: 'eq', value: 'gold' }, '/value', 'not_an_option'],
    ['a bad date', { key: 'renewal', op: 'gte', value: '2026-02-30' }, '/value', 'invalid_date'],
    ['a string for a number', { key: 'score', op: 'eq', value: '10' }, '/value', 'invalid_type'],
    ['a bad list member', { key: 'markets', op: 'contains_any', value: ['es', 'xx'] }, '/value/1', 'not_an_option'],
    ['between with one bound', { key: 'score', op: 'between', value: [1] }, '/value', 'invalid_type'],
    ['an empty list', { key: 'plan', op: 'in', value: [] }, '/value', 'invalid_type'],
  ])('rejects %s with a pointer', (_name, filter, pointer, code) => {
    let thrown: unknown;
    try {
      attributeCondition(defs.get(filter.key)!, filter, '/filter/0');
    } catch (err) {
      thrown = err;
    }
    // Asserted outside the catch, so a call that does not throw fails here instead of in a swallowed branch.
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).errors).toEqual([expect.objectContaining({ pointer: `/filter/0${pointer}`, code })]);
  });
});

describe(`attribute ranges agree with the values (${backend()})`, () => {
  it('number and date ranges return exactly the contacts whose value is in range', async () => {
    const ws = await t.workspace();
    const a = systemActor(ws.id);
    await t.deps.services.contactAttributes.create(a, { key: 'score', label: 'Score', type: 'number', required: false });
    await t.deps.services.contactAttributes.create(a, { key: 'renewal', label: 'Renewal', type: 'date', required: false });
    const values = new Map<string, { score?: number; renewal?: string }>();
    for (let i = 0; i < 40; i++) {
      // Deterministic spread: negatives, decimals, duplicates, gaps and missing values.
      const score = i % 9 === 0 ? undefined : ((i * 37) % 101) - 50 + (i % 4) * 0.25;
      const renewal = i % 7 === 0 ? undefined : new Date(Date.UTC(2026, 0, 1) + ((i * 53) % 400) * 86_400_000).toISOString().slice(0, 10);
      const c = await t.deps.services.contacts.create(a, { email: `range${i}@example.com`, customAttributes: { ...(score === undefined ? {} : { score }), ...(renewal ? { renewal } : {}) } });
      values.set(c.id, { score, renewal });
    }
    const wsDefs = await loadAttributeDefinitions(t.database.systemDb, ws.id);
    const run = async (filter: AttributeFilter) =>
      (await t.database.systemDb.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.workspaceId, ws.id), isNull(contacts.deletedAt), attributeCondition(wsDefs.get(filter.key)!, filter)))).map((r) => r.id).sort();
    const expected = (pred: (v: { score?: number; renewal?: string }) => boolean) => [...values].filter(([, v]) => pred(v)).map(([id]) => id).sort();
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -60, max: 60 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: -5, max: 410 }), fc.integer({ min: 0, max: 120 }), async (lo, width, d0, dWidth) => {
        const hi = lo + width / 2;
        expect(await run({ key: 'score', op: 'between', value: [lo, hi] })).toEqual(expected((v) => v.score !== undefined && v.score >= lo && v.score <= hi));
        expect(await run({ key: 'score', op: 'gte', value: lo })).toEqual(expected((v) => v.score !== undefined && v.score >= lo));
        const [from, to] = [day(d0), day(d0 + dWidth)];
        expect(await run({ key: 'renewal', op: 'between', value: [from, to] })).toEqual(expected((v) => v.renewal !== undefined && v.renewal >= from && v.renewal <= to));
        expect(await run({ key: 'renewal', op: 'lte', value: to })).toEqual(expected((v) => v.renewal !== undefined && v.renewal <= to));
      }),
      { numRuns: 25 },
    );
  });
});
