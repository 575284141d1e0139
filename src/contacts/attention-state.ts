import { z } from 'zod';

/**
 * The attention and WhatsApp-window parts of a contact: pure schema and arithmetic over columns
 * of the contact's own row. They live in contacts, which presents them; the attention feature
 * (the queue and its transitions) imports them from here, so contacts need not import attention.
 */

export const ATTENTION_REASONS = ['whatsapp', 'call', 'email'] as const;
export const AttentionReason = z.enum(ATTENTION_REASONS);
export type AttentionReason = z.infer<typeof AttentionReason>;

export const PendingAttention = z.object({
  pending: z.boolean(),
  reasons: z.array(z.object({ reason: AttentionReason, since: z.string() })).meta({ description: 'Oldest first' }),
});
export type PendingAttention = z.infer<typeof PendingAttention>;

export const WhatsappWindow = z
  .object({ open: z.boolean(), expiresAt: z.string().nullable(), remainingSeconds: z.number().int() })
  .meta({ description: '24 hours from the last WhatsApp message received from the contact; sending free-form text needs it open' });
export type WhatsappWindow = z.infer<typeof WhatsappWindow>;

export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** The window at `now`: open strictly before `lastInbound + 24h`; outbound never opens it. */
export function whatsappWindow(lastInbound: Date | null, now: Date): WhatsappWindow {
  if (!lastInbound) return { open: false, expiresAt: null, remainingSeconds: 0 };
  const expires = lastInbound.getTime() + WINDOW_MS;
  const remainingMs = expires - now.getTime();
  return {
    open: remainingMs > 0,
    expiresAt: new Date(expires).toISOString(),
    remainingSeconds: remainingMs > 0 ? Math.floor(remainingMs / 1000) : 0,
  };
}

export type AttentionColumns = {
  attentionWhatsappSince: Date | null;
  attentionCallSince: Date | null;
  attentionEmailSince: Date | null;
};

/** Reasons from the stored per-channel start times, oldest first. */
export function presentAttention(row: AttentionColumns): PendingAttention {
  const reasons = (
    [
      ['whatsapp', row.attentionWhatsappSince],
      ['call', row.attentionCallSince],
      ['email', row.attentionEmailSince],
    ] as const
  )
    .filter((r): r is readonly [AttentionReason, Date] => r[1] instanceof Date)
    .sort((a, b) => a[1].getTime() - b[1].getTime())
    .map(([reason, since]) => ({ reason, since: since.toISOString() }));
  return { pending: reasons.length > 0, reasons };
}
