import type { WaMessage } from './whatsapp-payload.ts';

/** What one inbound Cloud API message becomes in our records. */
export type InboundContent =
  | { record: true; type: 'text' | 'media'; body: string | null; media?: { id: string; mimeType: string | null; fileName: string | null } }
  | { record: false; why: string };

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const MAX_BODY = 4096;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const clip = (s: string) => (s.length > MAX_BODY ? `${s.slice(0, MAX_BODY - 1)}…` : s);

/**
 * Maps the message types of integrations.md §1.3 onto our text / media records. Types that are
 * not a message from the contact (system notices, unsupported) are not recorded. Throws on a
 * message whose type object is missing what the type needs (a malformed payload).
 */
export function inboundContent(m: WaMessage): InboundContent {
  const part = obj(m[m.type]);
  const need = (v: string | undefined, what: string): string => {
    if (v === undefined) throw new Error(`malformed ${m.type} message: no ${what}`);
    return v;
  };
  if (m.type === 'text') return { record: true, type: 'text', body: clip(need(str(part.body), 'text.body')) };
  if (MEDIA_TYPES.has(m.type)) {
    const id = need(str(part.id), `${m.type}.id`);
    return { record: true, type: 'media', body: str(part.caption) ? clip(part.caption as string) : null, media: { id, mimeType: str(part.mime_type) ?? null, fileName: str(part.filename) ?? null } };
  }
  if (m.type === 'interactive') {
    const reply = obj(part.button_reply ?? part.list_reply ?? part.nfm_reply);
    const title = str(reply.title) ?? str(reply.body) ?? str(reply.name);
    const description = str(reply.description);
    return { record: true, type: 'text', body: clip(need(title, 'interactive reply title') + (description ? ` — ${description}` : '')) };
  }
  if (m.type === 'button') return { record: true, type: 'text', body: clip(need(str(part.text) ?? str(part.payload), 'button.text')) };
  if (m.type === 'reaction') {
    const emoji = str(part.emoji);
    return { record: true, type: 'text', body: emoji ? `Reacted ${emoji}` : 'Removed a reaction' };
  }
  if (m.type === 'location') {
    const lat = part.latitude;
    const lng = part.longitude;
    if (typeof lat !== 'number' || typeof lng !== 'number') throw new Error('malformed location message: latitude and longitude must be numbers');
    const label = [str(part.name), str(part.address)].filter(Boolean).join(', ');
    return { record: true, type: 'text', body: clip(`📍 ${label ? `${label} ` : ''}(${lat}, ${lng})${str(part.url) ? ` ${part.url as string}` : ''}`) };
  }
  if (m.type === 'contacts') {
    const cards = Array.isArray(m.contacts) ? (m.contacts as unknown[]) : [];
    if (cards.length === 0) throw new Error('malformed contacts message: no contacts');
    const lines = cards.map((c) => {
      const card = obj(c);
      const name = str(obj(card.name).formatted_name) ?? 'Contact';
      const phones = (Array.isArray(card.phones) ? card.phones : []).map((p) => str(obj(p).phone)).filter(Boolean);
      const emails = (Array.isArray(card.emails) ? card.emails : []).map((e) => str(obj(e).email)).filter(Boolean);
      return [name, ...phones, ...emails].join(' · ');
    });
    return { record: true, type: 'text', body: clip(`Shared contact: ${lines.join('; ')}`) };
  }
  if (m.type === 'request_welcome') return { record: true, type: 'text', body: 'Opened the chat' };
  return { record: false, why: `type ${m.type} is not a message from the contact; not recorded` };
}
