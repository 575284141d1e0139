import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Random bytes for ids, drawn 256 ids at a time from the same source as `randomBytes`: one
 * `randomBytes(16)` per id was ~3 µs, and every request takes one (its request id), a created
 * contact seven. The ids are identifiers, not secrets (tokens and keys use `randomBytes`).
 */
const POOL_IDS = 256;
const pool = Buffer.allocUnsafe(POOL_IDS * 16);
let nextInPool = POOL_IDS;

/** The offset in `pool` of 16 fresh random bytes. */
function freshSlot(): number {
  if (nextInPool === POOL_IDS) {
    randomFillSync(pool);
    nextInPool = 0;
  }
  return nextInPool++ * 16;
}

/** The 48-bit milliseconds as the id's first two groups (`xxxxxxxx`, `xxxx`). */
function timeGroups(now: number): [string, string] {
  return [
    HEX[Math.floor(now / 2 ** 40) & 0xff]! + HEX[Math.floor(now / 2 ** 32) & 0xff]! + HEX[(now >>> 24) & 0xff]! + HEX[(now >>> 16) & 0xff]!,
    HEX[(now >>> 8) & 0xff]! + HEX[now & 0xff]!,
  ];
}

/** The id from its time groups and the random bytes at `o` in `b` (version and variant bits set here). */
function formatV7(ms: string, ms2: string, b: Buffer, o: number): string {
  return `${ms}-${ms2}-${HEX[(b[o + 6]! & 0x0f) | 0x70]}${HEX[b[o + 7]!]}-${HEX[(b[o + 8]! & 0x3f) | 0x80]}${HEX[b[o + 9]!]}-${HEX[b[o + 10]!]}${HEX[b[o + 11]!]}${HEX[b[o + 12]!]}${HEX[b[o + 13]!]}${HEX[b[o + 14]!]}${HEX[b[o + 15]!]}`;
}

/**
 * UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Time-ordered ids keep
 * B-tree inserts at the right edge of the index. Node 20 has no built-in v7, and it is a few lines.
 */
export function uuidv7(now: number = Date.now()): string {
  const [ms, ms2] = timeGroups(now);
  return formatV7(ms, ms2, pool, freshSlot());
}

/** UUIDv7 ids for one batch of writes, all stamped `now` (as `uuidv7`), the time part formatted once. */
export function uuidv7Source(now: number): () => string {
  const [ms, ms2] = timeGroups(now);
  return (): string => formatV7(ms, ms2, pool, freshSlot());
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID_RE.test(value);
