import { bigint, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { TelephonyCallState } from './telephony.schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A provider's call as merged from its callbacks, and the call record it became (1110_telephony_calls.sql). */
export const telephonyCalls = pgTable(
  'telephony_calls',
  {
    workspaceId: uuid('workspace_id').notNull(),
    integrationId: uuid('integration_id').notNull(),
    providerCallId: text('provider_call_id').notNull(),
    state: jsonb('state').$type<TelephonyCallState | null>(),
    callId: uuid('call_id'),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.integrationId, t.providerCallId] })],
);
export type TelephonyCallRow = typeof telephonyCalls.$inferSelect;
