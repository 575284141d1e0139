import { describe, expect, it } from 'vitest';
import { isUuid, uuidv7, uuidv7Source } from './ids.ts';

/** The 48-bit milliseconds an id carries (RFC 9562 §5.7). */
const timeOf = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('UUIDv7 ids', () => {
  it('carry the given milliseconds, version 7 and the RFC variant', () => {
    for (const now of [0, 1, 2 ** 32 + 5, Date.parse('2026-11-29T17:00:00.123Z'), 2 ** 48 - 1]) {
      const id = uuidv7(now);
      expect(isUuid(id), id).toBe(true);
      expect(timeOf(id), id).toBe(now);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
  });

  it('are unique across many pool refills, and sort by time', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => uuidv7(1_700_000_000_000 + Math.floor(i / 1000)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id, i) => i === 0 || timeOf(ids[i - 1]!) <= timeOf(id))).toBe(true);
    // The random part is random: every hex digit shows up at every random position.
    for (const position of [15, 16, 20, 35]) expect(new Set(ids.map((id) => id[position])).size).toBe(16);
  });

  it('from a batch source share the batch time and never repeat', () => {
    const now = Date.parse('2026-11-29T17:00:00.000Z');
    const next = uuidv7Source(now);
    const ids = Array.from({ length: 3000 }, next);
    expect(new Set(ids).size).toBe(3000);
    expect(ids.every((id) => isUuid(id) && timeOf(id) === now && id[14] === '7' && '89ab'.includes(id[19]!))).toBe(true);
  });
});
