import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

export const etagOf = (version: number): string => `"${version}"`;

export function setEtag(reply: FastifyReply, version: number): void {
  reply.header('etag', etagOf(version));
}

/**
 * The version a client says it last read, from `If-Match: "7"` (weak tags and `*` accepted).
 * Absent or `*` → undefined: API-key clients may write unconditionally (documented last-writer-wins).
 */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!m) {
    throw new AppError('precondition_failed', `If-Match must be an ETag this API returned, like "3"; got ${header.slice(0, 40)}`);
  }
  return Number(m[1]);
}
