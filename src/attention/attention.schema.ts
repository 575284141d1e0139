import { z } from 'zod';
import { AttentionReason } from '../contacts/attention-state.ts';

export const AttentionQueueQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
    ownerId: z.uuid().optional().meta({ description: "Only this user's contacts" }),
    reason: AttentionReason.optional().meta({ description: 'Only contacts waiting for this channel' }),
  })
  .strict();
export type AttentionQueueQuery = z.infer<typeof AttentionQueueQuery>;
