import { describe, expect, it } from 'vitest';
import { fixedClock } from './clock.ts';
import { TtlCache } from './ttl-cache.ts';

describe('TtlCache', () => {
  it('forgets an entry when its TTL has passed on the injected clock', () => {
    const clock = fixedClock('2026-11-28T09:00:00.000Z');
    const cache = new TtlCache<string, number>({ clock, ttlMs: 2_000, max: 10 });
    cache.set('a', 1);
    clock.advance(1_999);
    expect(cache.get('a')).toBe(1);
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most `max` entries, dropping the least recently used', () => {
    const clock = fixedClock('2026-11-28T09:00:00.000Z');
    const cache = new TtlCache<string, number>({ clock, ttlMs: 60_000, max: 3 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([1, undefined, 3, 4]);
    cache.deleteWhere((v) => v > 2);
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, undefined, undefined]);
  });
});
