import { z } from 'zod';

export const Notification = z.object({
  id: z.uuid(),
  type: z.string().meta({ description: '`contact.pending_attention`' }),
  userId: z.uuid().nullable().meta({ description: 'The recipient; null means the whole workspace' }),
  contactId: z.uuid().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readAt: z.string().nullable(),
}).meta({ id: 'Notification' });
export type Notification = z.infer<typeof Notification>;

export const NotificationListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
    unread: z.enum(['true', 'false']).optional().meta({ description: '`true`: only unread ones' }),
  })
  .strict();
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;
