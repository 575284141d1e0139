import { z } from 'zod';
import { isoInstant } from './common-schemas.ts';

/** Who created an element: the user behind the action, else the API key, CLI or job. */
export const Author = z.object({ type: z.enum(['user', 'api_key', 'cli', 'system']), id: z.string().nullable() }).meta({ id: 'Author' });
export type Author = z.infer<typeof Author>;

export const ElementListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
  })
  .strict();
export type ElementListQuery = z.infer<typeof ElementListQuery>;

/** ISO 8601 instant with an explicit offset; stored and returned in UTC. */
export const Instant = isoInstant();
