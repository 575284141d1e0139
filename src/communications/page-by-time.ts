import type { CursorCodec } from '../lib/pagination.ts';

/**
 * Newest-first keyset paging over an event-time key `(at, id)` (webhooks arrive out of order,
 * so lists follow when things happened, not when they were recorded).
 */
export async function pageByEventTime<R extends { id: string }>(opts: {
  cursors: CursorCodec;
  binding: string;
  cursor?: string;
  limit: number;
  timeOf: (row: R) => Date;
  fetch: (after: { at: string; id: string } | undefined, take: number) => Promise<R[]>;
}): Promise<{ rows: R[]; nextCursor: string | null }> {
  let after: { at: string; id: string } | undefined;
  if (opts.cursor) {
    const key = opts.cursors.decode(opts.cursor, opts.binding);
    after = { at: String(key.v), id: key.id };
  }
  const rows = await opts.fetch(after, opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > opts.limit && last ? opts.cursors.encode({ v: opts.timeOf(last).toISOString(), id: last.id }, opts.binding) : null,
  };
}
