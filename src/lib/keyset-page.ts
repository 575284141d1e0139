import type { CursorCodec, CursorKey } from './pagination.ts';

type KeysetOpts<R> = {
  cursors: CursorCodec;
  binding: string;
  cursor?: string;
  limit: number;
  fetch: (after: { at: string; id: string } | undefined, take: number) => Promise<R[]>;
};

/**
 * Newest-first keyset paging over a `(time, id)` key, `timeOf` giving a row's time: `fetch` gets
 * the last key of the previous page (or nothing) and how many rows to read; one row more than
 * the limit tells whether a next page exists. The cursor is bound to `binding` (workspace,
 * parent, filters). Lists ordered by when something happened (a call started, a message was
 * sent; webhooks arrive out of order) page by that time rather than by `createdAt`.
 */
export async function pageByTime<R extends { id: string }>(opts: KeysetOpts<R> & { timeOf: (row: R) => Date }): Promise<{ rows: R[]; nextCursor: string | null }> {
  let after: { at: string; id: string } | undefined;
  if (opts.cursor) {
    const key: CursorKey = opts.cursors.decode(opts.cursor, opts.binding);
    after = { at: String(key.v), id: key.id };
  }
  const rows = await opts.fetch(after, opts.limit + 1);
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: more && last ? opts.cursors.encode({ v: opts.timeOf(last).toISOString(), id: last.id }, opts.binding) : null,
  };
}

/** `pageByTime` over an immutable `(createdAt, id)` key. */
export async function pageNewestFirst<R extends { createdAt: Date; id: string }>(opts: KeysetOpts<R>): Promise<{ rows: R[]; nextCursor: string | null }> {
  return pageByTime({ ...opts, timeOf: (row) => row.createdAt });
}
