import type { Clock } from './clock.ts';

/**
 * A small per-process cache: entries live `ttlMs` by the injected clock, and past `max` entries
 * the least recently used one goes (a Map keeps insertion order; a hit re-inserts its key).
 *
 * Per process on purpose: each API process keeps its own copy, so whatever is cached here may be
 * stale in another process for up to `ttlMs`. Callers choose a TTL they can afford to be stale
 * for, and say it in their JSDoc.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(private readonly opts: { clock: Clock; ttlMs: number; max: number }) {}

  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.until <= this.opts.clock.now().getTime()) return undefined;
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    while (this.entries.size >= this.opts.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, until: this.opts.clock.now().getTime() + this.opts.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches (e.g. all cached credentials of a revoked key). */
  deleteWhere(match: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (match(entry.value)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
