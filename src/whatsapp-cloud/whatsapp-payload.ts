import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The Cloud API webhook body (integrations.md §1.2–1.3), cut into one event per message and per
 * status so each is stored and deduplicated on its own id: a message by its wamid, a status by
 * wamid + status (one message goes sent → delivered → read). Unknown members are kept, unknown
 * fields ignored; anything that is not this shape is one failed event naming the reason.
 */

const Profile = z.object({ name: z.string().max(1000).optional() }).loose();
export const WaContact = z.object({ profile: Profile.optional(), wa_id: z.string().max(64).optional(), user_id: z.string().max(200).optional() }).loose();
export type WaContact = z.infer<typeof WaContact>;
/** Built once, not per delivery (it was a measurable part of the acknowledgement). */
const WaContacts = z.array(WaContact);

const unixSeconds = z.string().regex(/^\d{1,12}$/, 'must be Unix seconds as a string');

export const WaMessage = z
  .object({
    id: z.string().min(1).max(256),
    from: z.string().max(64).optional(),
    from_user_id: z.string().max(200).optional(),
    timestamp: unixSeconds,
    type: z.string().min(1).max(64),
  })
  .loose();
export type WaMessage = z.infer<typeof WaMessage> & Record<string, unknown>;

const WaError = z.object({ code: z.number().optional(), title: z.string().optional(), message: z.string().optional(), error_data: z.object({ details: z.string().optional() }).loose().optional() }).loose();

export const WaStatus = z
  .object({
    id: z.string().min(1).max(256),
    status: z.enum(['sent', 'delivered', 'read', 'played', 'failed', 'deleted', 'warning']),
    timestamp: unixSeconds,
    recipient_id: z.string().max(64).optional(),
    errors: z.array(WaError).optional(),
  })
  .loose();
export type WaStatus = z.infer<typeof WaStatus>;

const Envelope = z
  .object({
    object: z.string(),
    entry: z.array(
      z.object({
        id: z.string().optional(),
        changes: z.array(z.object({ field: z.string(), value: z.record(z.string(), z.unknown()).optional() }).loose()),
      }).loose(),
    ),
  })
  .loose();

export type MessageEvent = { phoneNumberId: string | null; wabaId: string | null; contact: WaContact | null; message: WaMessage };
export type StatusEvent = { phoneNumberId: string | null; status: WaStatus };
export type SplitEvent = { key: string; kind: 'message' | 'status' | 'ignored' | 'malformed'; payload: unknown; failed?: string };

const digest = (s: string | Buffer) => createHash('sha256').update(s).digest('hex').slice(0, 32);
const issueText = (e: z.ZodError) => e.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

function malformed(raw: Buffer, reason: string): SplitEvent {
  // Kept short: enough to see what came, not a second copy of a large body.
  return { key: `malformed:${digest(raw)}`, kind: 'malformed', payload: { excerpt: raw.subarray(0, 2000).toString('utf8') }, failed: `malformed payload: ${reason}` };
}

export function splitWebhook(raw: Buffer): SplitEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return [malformed(raw, `not JSON (${(err as Error).message.slice(0, 100)})`)];
  }
  const env = Envelope.safeParse(body);
  if (!env.success) return [malformed(raw, issueText(env.error))];
  if (env.data.object !== 'whatsapp_business_account') return [malformed(raw, `object is ${JSON.stringify(env.data.object).slice(0, 60)}, not whatsapp_business_account`)];

  const events: SplitEvent[] = [];
  for (const entry of env.data.entry) {
    for (const change of entry.changes) {
      const value = change.value ?? {};
      if (change.field !== 'messages') {
        events.push({ key: `${change.field.slice(0, 60)}:${digest(JSON.stringify(value))}`, kind: 'ignored', payload: { field: change.field, value } });
        continue;
      }
      const metadata = (value.metadata ?? {}) as { phone_number_id?: unknown };
      const phoneNumberId = typeof metadata.phone_number_id === 'string' ? metadata.phone_number_id : null;
      const contacts = WaContacts.safeParse(value.contacts ?? []);
      const known = contacts.success ? contacts.data : [];
      for (const [i, m] of (Array.isArray(value.messages) ? value.messages : []).entries()) {
        const parsed = WaMessage.safeParse(m);
        if (!parsed.success) {
          events.push({ key: `malformed-message:${digest(JSON.stringify(m) ?? '')}`, kind: 'malformed', payload: { message: m }, failed: `malformed message ${i}: ${issueText(parsed.error)}` });
          continue;
        }
        const msg = parsed.data as WaMessage;
        const contact = known.find((c) => (msg.from && c.wa_id === msg.from) || (msg.from_user_id && c.user_id === msg.from_user_id)) ?? (known.length === 1 ? known[0]! : null);
        const payload: MessageEvent = { phoneNumberId, wabaId: entry.id ?? null, contact, message: msg };
        events.push({ key: `message:${msg.id}`, kind: 'message', payload });
      }
      for (const [i, s] of (Array.isArray(value.statuses) ? value.statuses : []).entries()) {
        const parsed = WaStatus.safeParse(s);
        if (!parsed.success) {
          events.push({ key: `malformed-status:${digest(JSON.stringify(s) ?? '')}`, kind: 'malformed', payload: { status: s }, failed: `malformed status ${i}: ${issueText(parsed.error)}` });
          continue;
        }
        const payload: StatusEvent = { phoneNumberId, status: parsed.data };
        events.push({ key: `status:${parsed.data.id}:${parsed.data.status}`, kind: 'status', payload });
      }
    }
  }
  return events;
}
