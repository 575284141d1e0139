import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { FieldOps, FilterContext, SortSpec } from './field-types.ts';

const WINDOW_HOURS = 24;
const REASONS = ['whatsapp', 'call', 'email'] as const;
const reasonColumn = (r: (typeof REASONS)[number]) => sql.raw(`contacts.attention_${r}_since`);
const hoursAgo = (ctx: FilterContext, h: number) => new Date(ctx.now.getTime() - h * 3600_000).toISOString();
const Seconds = z.number().int().min(0).max(100 * 365 * 86400);

/** The window is open while the last inbound WhatsApp message is less than 24 h old (injected clock). */
const windowOpen = (ctx: FilterContext): SQL => sql`contacts.last_inbound_whatsapp_at > ${hoursAgo(ctx, WINDOW_HOURS)}::timestamptz`;

/** Pending attention, its reasons, time waiting, ignored, and the WhatsApp window (attention feature, migration 0200). */
export const ATTENTION_FIELDS: Record<string, FieldOps> = {
  pendingAttention: {
    eq: { value: z.boolean(), build: (v: boolean) => (v ? sql`contacts.attention_since IS NOT NULL` : sql`contacts.attention_since IS NULL`) },
  },
  attentionReason: {
    eq: { value: z.enum(REASONS), build: (v: (typeof REASONS)[number]) => sql`${reasonColumn(v)} IS NOT NULL` },
    in: { value: z.array(z.enum(REASONS)).min(1).max(3), build: (v: (typeof REASONS)[number][]) => sql`(${sql.join(v.map((r) => sql`${reasonColumn(r)} IS NOT NULL`), sql` OR `)})` },
  },
  // Seconds since the earliest unanswered inbound: gte 3600 = "waiting an hour or more".
  timeWaiting: {
    gte: { value: Seconds, build: (v: number, ctx: FilterContext) => sql`contacts.attention_since <= ${new Date(ctx.now.getTime() - v * 1000).toISOString()}::timestamptz` },
    lte: { value: Seconds, build: (v: number, ctx: FilterContext) => sql`contacts.attention_since >= ${new Date(ctx.now.getTime() - v * 1000).toISOString()}::timestamptz` },
  },
  ignored: {
    eq: { value: z.boolean(), build: (v: boolean) => (v ? sql`contacts.ignored_at IS NOT NULL` : sql`contacts.ignored_at IS NULL`) },
  },
  whatsappWindow: {
    open: { value: z.boolean(), build: (v: boolean, ctx: FilterContext) => (v ? windowOpen(ctx) : sql`NOT COALESCE(${windowOpen(ctx)}, false)`) },
    // Open now and closing within N hours: the last inbound is between 24 h and 24 − N h old.
    closingWithinHours: {
      value: z.number().positive().max(WINDOW_HOURS),
      build: (v: number, ctx: FilterContext) => sql`(${windowOpen(ctx)} AND contacts.last_inbound_whatsapp_at <= ${hoursAgo(ctx, WINDOW_HOURS - v)}::timestamptz)`,
    },
  },
};

/** "Time waiting" ascending is "waiting since" descending; contacts not waiting come last. */
export const ATTENTION_SORTS: Record<string, SortSpec> = {
  timeWaiting: { expr: sql`contacts.attention_since`, type: 'timestamptz', nullable: true, invert: true },
  waitingSince: { expr: sql`contacts.attention_since`, type: 'timestamptz', nullable: true },
  lastInboundWhatsappAt: { expr: sql`contacts.last_inbound_whatsapp_at`, type: 'timestamptz', nullable: true },
};
