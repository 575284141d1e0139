import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { fixedClock } from '../lib/clock.ts';
import { walk } from './list-fixtures.test-helpers.ts';

type S = { id: string; stage: { id: string; playbookId: string; enteredAt: string } | null; customAttributes: Record<string, unknown> };
const clock = fixedClock('2026-11-01T10:00:00.000Z');
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let playbook: { id: string; stages: { id: string }[] };
let all: S[];

const attrs = (i: number) => ({
  ...(i % 4 ? { budget: (i * 37) % 11 } : {}),
  ...(i % 3 ? { plan: i % 2 ? 'pro' : 'basic' } : {}),
  tags: [['a'], ['b'], ['a', 'c'], []][i % 4],
  ...(i % 5 ? { signup: `2026-0${1 + (i % 9)}-1${i % 10}` } : {}),
  vip: i % 2 === 0,
});

beforeAll(async () => {
  t = await startTestApp({ clock });
  ws = await t.workspace();
  other = await t.workspace();
  const defs = [
    { key: 'budget', label: 'Budget', type: 'number' },
    { key: 'plan', label: 'Plan', type: 'single_select', options: [{ value: 'basic', label: 'Basic' }, { value: 'pro', label: 'Pro' }] },
    { key: 'tags', label: 'Tags', type: 'multi_select', options: ['a', 'b', 'c'].map((v) => ({ value: v, label: v })) },
    { key: 'signup', label: 'Signup', type: 'date' },
    { key: 'vip', label: 'VIP', type: 'boolean' },
  ];
  for (const d of defs) expect((await ws.req('POST', '/v1/contact-attributes', d)).status).toBe(201);
  playbook = (await ws.req('POST', '/v1/playbooks', { name: 'Ventas', stages: [{ name: 'Nuevo' }, { name: 'Cualificado' }, { name: 'Ganado', kind: 'won' }] })).body;
  for (let i = 0; i < 30; i++) {
    clock.advance(60_000);
    const res = await ws.req('POST', '/v1/contacts', { email: `s${i}@example.com`, customAttributes: attrs(i) });
    expect(res.status, res.text).toBe(201);
    if (i % 5 !== 4) {
      const stage = playbook.stages[i % 3]!;
      const put = await ws.req('PUT', `/v1/contacts/${res.body.id}/stage`, { playbookId: playbook.id, stageId: stage.id });
      expect(put.status, put.text).toBe(200);
    }
  }
  clock.advance(3600_000);
  all = await walk(ws, {}, 500) as unknown as S[];
});
afterAll(() => t.close());

const inserted = async () => {
  clock.advance(5);
  await ws.req('POST', '/v1/contacts', { email: `x${clock.now().getTime()}@example.com`, customAttributes: { budget: 5, plan: 'pro', tags: ['a'], vip: true } });
};
const at = (c: S, k: string) => c.customAttributes[k];
const enteredSeconds = (c: S) => (c.stage ? (clock.now().getTime() - Date.parse(c.stage.enteredAt)) / 1000 : null);

describe('stage and custom attribute filters', () => {
  const cases: [string, () => object, (c: S) => boolean][] = [
    ['stage', () => ({ field: 'stageId', op: 'eq', value: playbook.stages[1]!.id }), (c) => c.stage?.id === playbook.stages[1]!.id],
    ['no playbook', () => ({ field: 'playbookId', op: 'isEmpty', value: true }), (c) => c.stage === null],
    ['time in stage ≥ 75 min', () => ({ field: 'timeInStage', op: 'gte', value: 4500 }), (c) => (enteredSeconds(c) ?? -1) >= 4500],
    ['single select', () => ({ field: 'attributes.plan', op: 'eq', value: 'pro' }), (c) => at(c, 'plan') === 'pro'],
    ['number range', () => ({ field: 'attributes.budget', op: 'between', value: [3, 7] }), (c) => typeof at(c, 'budget') === 'number' && (at(c, 'budget') as number) >= 3 && (at(c, 'budget') as number) <= 7],
    ['multi select contains any', () => ({ field: 'attributes.tags', op: 'contains_any', value: ['b', 'c'] }), (c) => ((at(c, 'tags') as string[]) ?? []).some((x) => x === 'b' || x === 'c')],
    ['boolean', () => ({ field: 'attributes.vip', op: 'eq', value: true }), (c) => at(c, 'vip') === true],
    ['date from', () => ({ field: 'attributes.signup', op: 'gte', value: '2026-05-01' }), (c) => typeof at(c, 'signup') === 'string' && (at(c, 'signup') as string) >= '2026-05-01'],
    ['empty number', () => ({ field: 'attributes.budget', op: 'is_empty', value: true }), (c) => at(c, 'budget') === undefined],
  ];
  it.each(cases)('filters by %s across pages with inserts between', async (_l, filter, matches) => {
    const expected = all.filter(matches);
    expect(expected.length).toBeGreaterThan(0);
    const seen = (await walk(ws, { filter: filter(), sort: 'createdAt' }, 4, inserted)) as unknown as S[];
    const ids = seen.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of expected) expect(ids).toContain(e.id);
    for (const c of seen) expect(matches(c)).toBe(true);
  });

  it('rejects an unknown attribute and a wrong value with pointers', async () => {
    const unknown = await ws.req('POST', '/v1/contacts/search', { filter: { and: [{ field: 'attributes.colour', op: 'eq', value: 'red' }] } });
    expect(unknown.body.errors[0]).toMatchObject({ pointer: '/filter/and/0/field', code: 'unknown_field' });
    const wrong = await ws.req('POST', '/v1/contacts/search', { filter: { field: 'attributes.plan', op: 'eq', value: 'gold' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].pointer).toMatch(/^\/filter\/value/);
    // Another workspace has no such attribute: the field does not exist there.
    expect((await other.req('POST', '/v1/contacts/search', { filter: { field: 'attributes.plan', op: 'eq', value: 'pro' } })).status).toBe(422);
  });
});

describe('stage and attribute sorts (NULLs last, keyset across pages)', () => {
  const key: Record<string, (c: S) => string | number | boolean | null> = {
    timeInStage: (c) => (c.stage ? -Date.parse(c.stage.enteredAt) : null),
    'attributes.budget': (c) => (at(c, 'budget') as number) ?? null,
    'attributes.signup': (c) => (at(c, 'signup') as string) ?? null,
    'attributes.plan': (c) => (at(c, 'plan') as string) ?? null,
  };
  it.each(['timeInStage', '-timeInStage', 'attributes.budget', '-attributes.budget', 'attributes.signup', '-attributes.plan'])('sorts by %s', async (sort) => {
    const desc = sort.startsWith('-');
    const name = desc ? sort.slice(1) : sort;
    const invert = name === 'timeInStage';
    const seen = (await walk(ws, { sort }, 4)) as unknown as S[];
    const ids = seen.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of all) expect(ids).toContain(c.id);
    const idDesc = desc !== invert;
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [key[name]!(seen[i - 1]!), key[name]!(seen[i]!)];
      if (a === null) {
        expect(b, `nulls last at ${i}`).toBeNull();
        expect(idDesc ? seen[i - 1]!.id > seen[i]!.id : seen[i - 1]!.id < seen[i]!.id).toBe(true);
      } else if (b !== null) {
        const ord = a === b ? (seen[i - 1]!.id < seen[i]!.id ? -1 : 1) * (idDesc ? -1 : 1) : (a < b ? -1 : 1) * (desc ? -1 : 1);
        expect(ord, `order at ${i}`).toBeLessThan(0);
      }
    }
  });

  it('refuses to sort by a multi-select', async () => {
    expect((await ws.req('POST', '/v1/contacts/search', { sort: 'attributes.tags' })).body.errors[0].code).toBe('invalid_sort');
  });
});

describe('bulk stage moves and attribute values', () => {
  it('moves a selection to a stage and sets an attribute, recorded per contact', async () => {
    const ids = all.slice(0, 3).map((c) => c.id);
    const move = await ws.req('POST', '/v1/contacts/bulk', { selection: { ids }, action: { type: 'moveStage', playbookId: playbook.id, stageId: playbook.stages[2]!.id } });
    expect(move.body.progress, move.text).toEqual({ done: 3, failed: 0, total: 3 });
    const set = await ws.req('POST', '/v1/contacts/bulk', { selection: { ids }, action: { type: 'setAttribute', key: 'budget', value: 99 } });
    expect(set.body.progress).toEqual({ done: 3, failed: 0, total: 3 });
    for (const id of ids) {
      const c = (await ws.req('GET', `/v1/contacts/${id}`)).body;
      expect(c.stage.id).toBe(playbook.stages[2]!.id);
      expect(c.customAttributes.budget).toBe(99);
      const history = await ws.req('GET', `/v1/contacts/${id}/stage-history`);
      // Oldest first: the last change is the move into the third stage.
      expect(history.body.data.at(-1)).toMatchObject({ to: { playbookId: playbook.id, stageId: playbook.stages[2]!.id } });
    }
  });
});
