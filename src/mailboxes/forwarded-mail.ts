import { createHash, createHmac } from 'node:crypto';
import { constantTimeEqual, PermanentEventError, type Connection, type HookRequest, type IntegrationEventRow, type ProviderAdapter, type ProviderEvent } from '../integrations/integrations.service.ts';
import { normalizeMessageId, parseMime } from './mime.ts';
import type { MailEvent } from './record-email.ts';

/**
 * Mail forwarded to us as raw MIME by a provider's inbound webhook (shared docs integrations.md
 * §7.1): SendGrid Inbound Parse with "POST the raw, full MIME message" (multipart, field `email`)
 * and Mailgun routes whose URL ends in `mime` (field `body-mime`, signed). Each message becomes one
 * event under its Message-ID and is recorded as mail in a mailbox is (`record-email.ts`).
 */
type Fields = Map<string, string>;

/** multipart/form-data cut into its text fields; the boundary is the body's first line. */
export function multipartFields(raw: Buffer): Fields {
  const fields: Fields = new Map();
  const firstLine = raw.indexOf('\r\n');
  if (firstLine < 3 || raw[0] !== 0x2d || raw[1] !== 0x2d) return fields;
  const delimiter = Buffer.from(`\r\n${raw.subarray(0, firstLine).toString('latin1')}`);
  let at = firstLine + 2;
  while (at < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', at);
    if (headEnd < 0) break;
    const head = raw.subarray(at, headEnd).toString('utf8');
    const end = raw.indexOf(delimiter, headEnd + 4);
    if (end < 0) break;
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (name !== undefined && !fields.has(name)) fields.set(name, raw.subarray(headEnd + 4, end).toString('utf8'));
    at = end + delimiter.length + 2;
  }
  return fields;
}

/** The posted fields, whichever encoding the sender chose (Mailgun posts urlencoded without attachments). */
export function formFields(raw: Buffer): Fields {
  if (raw.subarray(0, 2).toString() === '--') return multipartFields(raw);
  return new Map(new URLSearchParams(raw.toString('utf8')));
}

/** Mailgun: hex HMAC-SHA256 of timestamp + token under the HTTP webhook signing key. */
export const mailgunSignature = (key: string, timestamp: string, token: string) => createHmac('sha256', key).update(timestamp + token).digest('hex');

const MAILGUN_WINDOW_S = 5 * 60;

/** The Message-ID in a raw message's header block (unfolded), normalized; the event key. */
export function rawMessageId(mime: string): string | undefined {
  const head = mime.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = /^message-id:\s*(.+)$/im.exec(head)?.[1];
  return line ? normalizeMessageId(line) : undefined;
}

function eventsOf(mime: string | undefined, via: string): ProviderEvent[] {
  if (!mime) {
    return [{ key: `malformed:${createHash('sha256').update(via).digest('hex').slice(0, 32)}`, kind: 'malformed', payload: {}, failed: 'no raw MIME in the post (SendGrid: tick "POST the raw, full MIME message"; Mailgun: a route URL ending in mime)' }];
  }
  const key = rawMessageId(mime) ?? `<${createHash('sha256').update(mime).digest('hex').slice(0, 40)}@no-message-id.invalid>`;
  return [{ key, kind: 'email.inbound', payload: { mime: Buffer.from(mime, 'utf8').toString('base64') } }];
}

type RecordFn = (connection: Connection, event: MailEvent) => Promise<string>;

async function processForwarded(record: RecordFn, connection: Connection, event: IntegrationEventRow): Promise<string> {
  const mime = (event.payload as { mime?: unknown })?.mime;
  if (typeof mime !== 'string') throw new PermanentEventError('the event holds no message');
  let mail;
  try {
    mail = await parseMime(Buffer.from(mime, 'base64'));
  } catch (err) {
    throw new PermanentEventError(`the message could not be parsed: ${(err as Error).message}`);
  }
  return record(connection, { direction: 'inbound', folder: 'webhook', mail });
}

/** SendGrid signs nothing by default: the webhook URL carries a secret `token` query parameter. */
export function sendgridInboundProvider(record: RecordFn): ProviderAdapter {
  return {
    verify(connection, _raw, _headers, request?: HookRequest) {
      const token = new URL(request?.url ?? '/', 'http://x').searchParams.get('token') ?? '';
      const expected = connection.secrets.urlToken ?? '';
      return !!expected && constantTimeEqual(token, expected);
    },
    split: (raw) => eventsOf(formFields(raw).get('email'), raw.subarray(0, 4096).toString('latin1')),
    process: (connection, event) => processForwarded(record, connection, event),
  };
}

/** Mailgun routes: the signature fields are in the body; a stale timestamp is refused. */
export function mailgunInboundProvider(record: RecordFn, now: () => Date): ProviderAdapter {
  return {
    verify(connection, raw) {
      const f = formFields(raw);
      const timestamp = f.get('timestamp') ?? '';
      const token = f.get('token') ?? '';
      const signature = f.get('signature') ?? '';
      if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now().getTime() / 1000 - Number(timestamp)) > MAILGUN_WINDOW_S) return false;
      const keys = [connection.secrets.signingKey, connection.secrets.signingKeyPrevious].filter((k): k is string => !!k);
      return keys.some((k) => constantTimeEqual(mailgunSignature(k, timestamp, token), signature));
    },
    split: (raw) => eventsOf(formFields(raw).get('body-mime'), raw.subarray(0, 4096).toString('latin1')),
    process: (connection, event) => processForwarded(record, connection, event),
  };
}
