import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The meeting each Calendly invitee became (1050_lead_sources.sql); a cancellation that arrived
 * before its booking is a row with no meeting and canceled_at set (1240).
 */
export const calendlyBookings = pgTable(
  'calendly_bookings',
  {
    workspaceId: uuid('workspace_id').notNull(),
    integrationId: uuid('integration_id').notNull(),
    inviteeUri: text('invitee_uri').notNull(),
    meetingId: uuid('meeting_id'),
    createdAt: ts('created_at').notNull(),
    canceledAt: ts('canceled_at'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.integrationId, t.inviteeUri] })],
);
export type CalendlyBookingRow = typeof calendlyBookings.$inferSelect;
