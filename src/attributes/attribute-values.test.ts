import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAttributeValues, checkValue, isCalendarDate, TEXT_MAX, type AttributeDefinition } from './attribute-values.ts';

const def = (type: AttributeDefinition['type'], extra: Partial<AttributeDefinition> = {}): AttributeDefinition => ({
  key: 'k',
  label: 'K',
  type,
  options: type.endsWith('select') ? [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }, { value: 'c', label: 'C' }] : [],
  required: false,
  ...extra,
});

type Row = [AttributeDefinition['type'], unknown, { ok: true; value: unknown } | { ok: false; code: string }];
const ACCEPT = (value: unknown) => ({ ok: true as const, value });
const REJECT = (code: string) => ({ ok: false as const, code });

const TABLE: Row[] = [
  ['text', 'hello', ACCEPT('hello')],
  ['text', '  ', ACCEPT(null)],
  ['text', 'x'.repeat(TEXT_MAX), ACCEPT('x'.repeat(TEXT_MAX))],
  ['text', 'x'.repeat(TEXT_MAX + 1), REJECT('too_long')],
  ['text', 12, REJECT('invalid_type')],
  ['text', ['a'], REJECT('invalid_type')],
  ['number', 12.5, ACCEPT(12.5)],
  ['number', -3, ACCEPT(-3)],
  ['number', 0, ACCEPT(0)],
  ['number', '12', REJECT('invalid_type')],
  ['number', Number.NaN, REJECT('invalid_type')],
  ['number', Number.POSITIVE_INFINITY, REJECT('invalid_type')],
  ['number', true, REJECT('invalid_type')],
  ['date', '2026-02-28', ACCEPT('2026-02-28')],
  ['date', '2024-02-29', ACCEPT('2024-02-29')],
  ['date', '2026-02-30', REJECT('invalid_date')],
  ['date', '2025-02-29', REJECT('invalid_date')],
  ['date', '2026-13-01', REJECT('invalid_date')],
  ['date', '2026-00-10', REJECT('invalid_date')],
  ['date', '2026-1-5', REJECT('invalid_date')],
  ['date', '2026-01-05T10:00:00Z', REJECT('invalid_date')],
  ['date', 20260105, REJECT('invalid_date')],
  ['boolean', true, ACCEPT(true)],
  ['boolean', false, ACCEPT(false)],
  ['boolean', 'true', REJECT('invalid_type')],
  ['boolean', 1, REJECT('invalid_type')],
  ['single_select', 'a', ACCEPT('a')],
  ['single_select', 'z', REJECT('not_an_option')],
  ['single_select', 'A', REJECT('not_an_option')],
  ['single_select', ['a'], REJECT('invalid_type')],
  ['multi_select', ['a', 'c'], ACCEPT(['a', 'c'])],
  ['multi_select', [], ACCEPT(null)],
  ['multi_select', ['a', 'a'], REJECT('duplicate_option')],
  ['multi_select', ['a', 'z'], REJECT('not_an_option')],
  ['multi_select', 'a', REJECT('invalid_type')],
  ['multi_select', [1], REJECT('not_an_option')],
];

describe('attribute value validation', () => {
  it.each(TABLE)('%s %j → %j', (type, value, expected) => {
    const r = checkValue(def(type), value);
    if (expected.ok) expect(r).toEqual(expected);
    else expect(r).toMatchObject({ ok: false, code: expected.code });
  });

  it('names a wrong option briefly, however long the value sent (a 70 KB value once made a 72 KB error)', () => {
    const r = checkValue(def('single_select'), 'z'.repeat(70_000));
    expect(r).toMatchObject({ ok: false, code: 'not_an_option' });
    if (r.ok) throw new Error('accepted');
    expect(r.message.length).toBeLessThan(200);
    expect(r.message).toContain('options: a, b, c');
  });

  it('null means "no value" for every type', () => {
    for (const t of ['text', 'number', 'date', 'boolean', 'single_select', 'multi_select'] as const) expect(checkValue(def(t), null)).toEqual({ ok: true, value: null });
  });

  it('agrees with the calendar for any year, month and day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const daysInMonth = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
        expect(isCalendarDate(s)).toBe(d <= daysInMonth);
      }),
    );
  });
});

describe('attribute values of a contact', () => {
  const defs = [def('number', { key: 'score', label: 'Score' }), def('text', { key: 'vat', label: 'VAT id', required: true })];

  it('rejects unknown keys with a pointer per key', () => {
    const r = checkAttributeValues(defs, { nope: 1, score: 2, vat: 'x' }, { creating: false, automated: false });
    expect(r.errors).toEqual([expect.objectContaining({ pointer: '/customAttributes/nope', code: 'unknown_attribute' })]);
  });

  it('requires required attributes on create, but not from automated channels', () => {
    expect(checkAttributeValues(defs, { score: 1 }, { creating: true, automated: false }).errors).toEqual([
      expect.objectContaining({ pointer: '/customAttributes/vat', code: 'required' }),
    ]);
    expect(checkAttributeValues(defs, { score: 1 }, { creating: true, automated: true }).errors).toEqual([]);
  });

  it('null clears an optional value on update and cannot clear a required one', () => {
    expect(checkAttributeValues(defs, { score: null }, { creating: false, automated: false })).toEqual({ values: { score: null }, errors: [] });
    expect(checkAttributeValues(defs, { vat: null }, { creating: false, automated: false }).errors[0]).toMatchObject({ pointer: '/customAttributes/vat', code: 'required' });
  });

  it('drops nulls on create instead of storing them', () => {
    expect(checkAttributeValues(defs, { score: null, vat: 'ES1' }, { creating: true, automated: false })).toEqual({ values: { vat: 'ES1' }, errors: [] });
  });

  it('reports every bad value at once, each with its pointer', () => {
    const r = checkAttributeValues(defs, { score: 'high', vat: 5 }, { creating: false, automated: false });
    expect(r.errors.map((e) => [e.pointer, e.code])).toEqual([['/customAttributes/score', 'invalid_type'], ['/customAttributes/vat', 'invalid_type']]);
  });
});
