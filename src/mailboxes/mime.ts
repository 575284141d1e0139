import { createHash } from 'node:crypto';
// Types only: mailparser (and libmime, iconv-lite, linkify-it under it) loads on the first parse,
// not at start-up: no request before /readyz reads mail.
import type { AddressObject, ParsedMail } from 'mailparser';

/**
 * One email as the mailbox feature records it: what mailparser read from the raw MIME, cut down
 * to plain JSON (it is stored as the integration event's payload, so a replay needs no server).
 */
export type MailEnvelope = {
  messageId: string;
  inReplyTo: string[];
  references: string[];
  from: { address: string; name: string | null } | null;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  date: string | null;
  /** Why no one needs to answer it (auto-reply, bounce, list mail), or null. */
  automatic: string | null;
  attachments: { filename: string | null; contentType: string; size: number }[];
};

/** The body kept on the email record; the emails API allows 200,000 characters. */
const BODY_MAX = 200_000;
/** Mail larger than this is refused before parsing (the record keeps text, not attachments). */
export const RAW_MAX_BYTES = 30 * 1024 * 1024;

/** `<id@host>` with the domain lower-cased (RFC 5322 ids compare case-sensitively on the left). */
export function normalizeMessageId(id: string): string | undefined {
  const m = /<?\s*([^<>\s@]+)@([^<>\s@]+)\s*>?/.exec(id.trim());
  return m ? `<${m[1]}@${m[2]!.toLowerCase()}>` : undefined;
}

/** The ids of a References or In-Reply-To header, in order, normalized, without repeats. */
export function messageIds(value: string | string[] | undefined): string[] {
  const all = ([] as string[]).concat(value ?? []).flatMap((v) => v.match(/<[^<>]+>/g) ?? v.split(/\s+/));
  return [...new Set(all.map(normalizeMessageId).filter((v): v is string => !!v))];
}

/** An address with its domain lower-cased, as contacts store it. */
export const normalizeAddress = (address: string): string => address.trim().replace(/@[^@]*$/, (d) => d.toLowerCase());

const addresses = (value: AddressObject | AddressObject[] | undefined): { address: string; name: string | null }[] =>
  ([] as AddressObject[]).concat(value ?? []).flatMap((o) => o.value.flatMap((a) => (a.group ? a.group : [a]))).filter((a) => !!a.address).map((a) => ({ address: normalizeAddress(a.address!), name: a.name?.trim() || null }));

function automaticReason(mail: ParsedMail): string | null {
  const h = (name: string) => {
    const v = mail.headers.get(name);
    return typeof v === 'string' ? v.toLowerCase() : v && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value).toLowerCase() : v ? String(v).toLowerCase() : '';
  };
  const auto = h('auto-submitted');
  if (auto && auto !== 'no') return `Auto-Submitted: ${auto}`;
  if (['bulk', 'list', 'junk', 'auto_reply'].includes(h('precedence'))) return `Precedence: ${h('precedence')}`;
  if (mail.headers.has('list-id') || mail.headers.has('list-unsubscribe')) return 'list mail';
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond') || mail.headers.has('x-auto-response-suppress') && /oof|autoreply/.test(h('x-auto-response-suppress'))) return 'auto-reply';
  const ct = h('content-type');
  if (ct.includes('multipart/report')) return 'delivery report';
  const from = addresses(mail.from)[0]?.address.toLowerCase() ?? '';
  if (/^(mailer-daemon|postmaster)@/.test(from)) return 'bounce';
  return null;
}

const NAMED: Record<string, string> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", iexcl: '¡', iquest: '¿', ntilde: 'ñ', Ntilde: 'Ñ', uuml: 'ü', Uuml: 'Ü', ccedil: 'ç', Ccedil: 'Ç',
  aacute: 'á', eacute: 'é', iacute: 'í', oacute: 'ó', uacute: 'ú', Aacute: 'Á', Eacute: 'É', Iacute: 'Í', Oacute: 'Ó', Uacute: 'Ú', euro: '€', ordf: 'ª', ordm: 'º', laquo: '«', raquo: '»', hellip: '…', mdash: '—', ndash: '–',
};

/** The readable text of an HTML-only message (mailparser leaves `text` empty for those): blocks become lines. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|table)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
      }
      return NAMED[e] ?? all;
    })
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Parses raw MIME (RFC 2047 headers, quoted-printable, HTML-only bodies: mailparser does the decoding). */
export async function parseMime(raw: Buffer): Promise<MailEnvelope> {
  if (raw.length > RAW_MAX_BYTES) throw new Error(`the message is larger than ${RAW_MAX_BYTES} bytes`);
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const from = addresses(mail.from)[0] ?? null;
  // A message without a Message-ID still needs a stable key: the hash of its bytes.
  const messageId = (mail.messageId && normalizeMessageId(mail.messageId)) || `<${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@no-message-id.invalid>`;
  const text = (mail.text || (typeof mail.html === 'string' ? htmlToText(mail.html) : '')).replace(/\r\n/g, '\n').trim();
  return {
    messageId,
    inReplyTo: messageIds(mail.inReplyTo),
    references: messageIds(mail.references),
    from,
    to: addresses(mail.to).map((a) => a.address),
    cc: addresses(mail.cc).map((a) => a.address),
    subject: (mail.subject ?? '').replace(/[\r\n]+/g, ' ').slice(0, 998),
    text: text.length > BODY_MAX ? text.slice(0, BODY_MAX) : text,
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
    automatic: automaticReason(mail),
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
  };
}
