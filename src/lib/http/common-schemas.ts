import { z } from 'zod';

export const IdParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) }).strict();

/** Field error of a problem; its own `code` says what is wrong with the field. */
const FieldErrorSchema = z
  .object({
    pointer: z.string().meta({ description: 'JSON pointer to the field: into the body (`/email`), or `/query/…`, `/params/…`, `/headers/…`' }),
    code: z.string().meta({ description: 'Stable, e.g. `invalid_type`, `too_big`, `unknown_field`, `read_only_field`, `identifier_taken`' }),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

export const Problem = z
  .object({
    type: z.string().meta({ description: '`/problems/<code>`' }),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'Stable machine-readable code (`validation_failed`, `not_found`, `contact_identifier_taken`, `rate_limited`…)' }),
    detail: z.string().optional(),
    instance: z.string().optional().meta({ description: 'The request path' }),
    requestId: z.string().meta({ description: 'Also sent as `x-request-id`; quote it when reporting a problem' }),
    errors: z.array(FieldErrorSchema).optional().meta({ description: 'Each field at fault (at most 100)' }),
    errorsOmitted: z.number().int().optional().meta({ description: 'How many more field errors there were past the first 100' }),
  })
  .passthrough()
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details with a stable `code`; some codes add members (`contactId` for `contact_identifier_taken`, `retryAfterSeconds` for `rate_limited`)',
    examples: [
      {
        type: '/problems/validation_failed',
        title: 'The request breaks a rule',
        status: 422,
        code: 'validation_failed',
        detail: '/email: must be a valid email',
        instance: '/v1/contacts',
        errors: [{ pointer: '/email', code: 'invalid_email', message: 'must be a valid email' }],
        requestId: '0193a5f2-7c1e-7b3a-9f7e-2d6c1a0b9e41',
      },
    ],
  });

/** Standard error responses for the OpenAPI document. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Problem])) as Record<number, typeof Problem>;

const PageCount = z
  .object({ value: z.number().int(), exact: z.boolean() })
  .meta({ id: 'PageCount', description: 'With `count=true`: how many match (`exact: false` past 10,000, an estimate)' });

const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; `null` on the last page' }),
    count: PageCount.optional(),
  });
const pages = new Map<string, ReturnType<typeof pageSchema>>();

/**
 * A keyset page of `item`. A named item gives a named page (`Contact` → `ContactPage`), made once
 * per process: a registry id may be taken by one schema only, and apps are built many times in tests.
 */
export const pageOf = <T extends z.ZodType>(item: T): ReturnType<typeof pageSchema<T>> => {
  const id = z.globalRegistry.get(item)?.id;
  if (!id) return pageSchema(item);
  const name = `${id}Page`;
  if (!pages.has(name)) pages.set(name, pageSchema(item).meta({ id: name }));
  return pages.get(name) as ReturnType<typeof pageSchema<T>>;
};

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

// C0 controls other than tab, LF and CR: no person types them into a name, and some (NUL) PostgreSQL cannot store.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/**
 * A one-line field (names, company, job title, emails, phones, tags, keys): control characters
 * other than tab, LF and CR are refused with `invalid_characters`, so they never reach storage or
 * a CSV export. The HTTP input guard already refuses NUL anywhere; this holds for every caller.
 */
export const singleLineText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !SINGLE_LINE_FORBIDDEN.test(s), { message: 'must not contain control characters', params: { code: 'invalid_characters' } });

/** Free text that may span lines (message bodies, comments, notes): newlines kept, NUL never. */
export const multiLineText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), { message: 'must not contain the NUL character (\\u0000)', params: { code: 'invalid_characters' } });

/** Years PostgreSQL's timestamptz and date accept as ISO text (it has no year 0) and JavaScript formats back the same way. */
const storableYear = (ms: number): boolean => {
  if (!Number.isFinite(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year >= 1 && year <= 9999;
};

/** An ISO 8601 date-time with an offset, between the years 0001 and 9999 (year 0 or 275760 would reach PostgreSQL and fail there). */
export const isoInstant = (message = 'must be an ISO 8601 date-time with a time zone') =>
  z.iso
    .datetime({ offset: true, message })
    // Only once the format holds: a malformed value gets one error, not two.
    .refine((s) => storableYear(Date.parse(s)), { message: 'must be between the years 0001 and 9999', params: { code: 'out_of_range' }, when: (p) => p.issues.length === 0 });

/** A calendar date YYYY-MM-DD that exists (no 2026-02-30) and PostgreSQL stores (no year 0000). */
export const isoDay = (message = 'must be a date YYYY-MM-DD') =>
  z.iso.date({ message }).refine((s) => storableYear(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: 'must be a date between 0001-01-01 and 9999-12-31',
    params: { code: 'out_of_range' },
    when: (p) => p.issues.length === 0,
  });
