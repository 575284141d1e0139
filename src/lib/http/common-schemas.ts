import { z } from 'zod';

export const IdParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) }).strict();

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string(),
    errors: z.array(z.object({ pointer: z.string(), code: z.string(), message: z.string() })).optional(),
  })
  .passthrough()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details with a stable `code`' });

/** Standard error responses for the OpenAPI document. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Problem])) as Record<number, typeof Problem>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z.string().nullable(),
    count: z.object({ value: z.number().int(), exact: z.boolean() }).optional(),
  });

const isHttpUrl = (s: string): boolean => {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
};

/** An absolute http(s) URL (external references, recordings, meeting links): never javascript: or relative. */
export const HttpUrl = z
  .string()
  .max(2048)
  .refine(isHttpUrl, { message: 'must be an absolute http(s) URL', params: { code: 'invalid_url' } });
