import { z } from 'zod';
import { Author } from '../lib/http/element-schemas.ts';

export const TimelineQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
    type: z
      .string()
      .regex(/^[a-z_.]+(,[a-z_.]+)*$/, { message: 'comma-separated item types like deal,call,contact.updated' })
      .max(500)
      .optional()
      .meta({ description: 'Only these types; a family name (`contact`) matches all of its types (`contact.updated`…)' }),
  })
  .strict();
export type TimelineQuery = z.infer<typeof TimelineQuery>;

export const TimelineItem = z.object({
  id: z.uuid(),
  type: z.string().meta({ description: '`deal`, `meeting`, `task`, `comment`, `document`, `call`, `email`, `whatsapp_message`, or `contact.<change>`' }),
  occurredAt: z.string(),
  actor: Author,
  data: z.record(z.string(), z.unknown()),
});
export type TimelineItem = z.infer<typeof TimelineItem>;
