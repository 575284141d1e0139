import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from './errors.ts';

/** The last row's sort key. `v` is the sort column's value (ISO string, number, text or null). */
export type CursorKey = { v: string | number | null; id: string };

/**
 * Opaque keyset cursors: base64url(JSON) + HMAC over it and a binding (workspace, sort, filter).
 * A cursor cannot be forged, nor replayed against another workspace or another filter.
 */
export function makeCursorCodec(secret: string) {
  const mac = (body: string, binding: string) =>
    createHmac('sha256', secret).update(body).update('\u0000').update(binding).digest('base64url').slice(0, 22);
  return {
    encode(key: CursorKey, binding: string): string {
      const body = Buffer.from(JSON.stringify(key)).toString('base64url');
      return `${body}.${mac(body, binding)}`;
    },
    decode(cursor: string, binding: string): CursorKey {
      const [body, sig] = cursor.split('.');
      const expected = body ? mac(body, binding) : '';
      if (!body || !sig || sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) {
        throw invalidCursor();
      }
      try {
        const key = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorKey;
        if (typeof key.id !== 'string') throw invalidCursor();
        return key;
      } catch {
        throw invalidCursor();
      }
    },
  };
}

export type CursorCodec = ReturnType<typeof makeCursorCodec>;

const invalidCursor = () =>
  new AppError('invalid_cursor', 'The cursor is malformed or belongs to another list; start again without it', {
    errors: [{ pointer: '/query/cursor', code: 'invalid_cursor', message: 'not a cursor of this list' }],
  });

export type Page<T> = { data: T[]; nextCursor: string | null; count?: { value: number; exact: boolean } };
