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

export const MarkAllRead = z
  .object({ contactId: z.uuid().optional().meta({ description: "Only this contact's notifications (a bell item that collapses a contact's pending-attention notices)" }) })
  .strict()
  .meta({ id: 'MarkAllNotificationsRead' });
export type MarkAllRead = z.infer<typeof MarkAllRead>;

export const MarkAllReadResult = z.object({ marked: z.number().int().meta({ description: 'How many unread notifications became read' }) }).meta({ id: 'MarkAllNotificationsReadResult' });
