import { createHmac, timingSafeEqual } from 'node:crypto';

/** Equal strings, in time independent of where they differ; a length mismatch is false, never a throw. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    // Still spend a comparison, so the length is all a timing tells.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/** Meta's `X-Hub-Signature-256`: `sha256=` + lowercase hex HMAC-SHA256 of the raw body, keyed by the App Secret. */
export function metaSignature(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Whether `header` signs `rawBody` under any of the secrets (two are active while rotating). */
export function verifyMetaSignature(secrets: readonly string[], rawBody: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header) return false;
  let ok = false;
  // Every secret is tried (no early exit), so the time does not tell which one matched.
  for (const secret of secrets) if (secret && constantTimeEqual(metaSignature(secret, rawBody), header)) ok = true;
  return ok;
}

/** Typeform's `Typeform-Signature`: `sha256=` + base64 HMAC-SHA256 of the raw body, keyed by the webhook secret. */
export function typeformSignature(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('base64')}`;
}

/** Whether `header` is Typeform's signature of `rawBody` under any of the secrets. */
export function verifyTypeformSignature(secrets: readonly string[], rawBody: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header) return false;
  let ok = false;
  for (const secret of secrets) if (secret && constantTimeEqual(typeformSignature(secret, rawBody), header)) ok = true;
  return ok;
}

/** Calendly's `Calendly-Webhook-Signature`: `t=<unix s>,v1=` + hex HMAC-SHA256 of `t + "." + body`. */
export function calendlySignature(key: string, t: number, rawBody: Buffer | string): string {
  return `t=${t},v1=${createHmac('sha256', key).update(`${t}.`).update(rawBody).digest('hex')}`;
}

/** Calendly's replay window: a signature more than this far from our clock is refused. */
export const CALENDLY_WINDOW_SECONDS = 5 * 60;

/** Whether `header` signs `rawBody` under any key, with a timestamp within the window of `nowSeconds`. */
export function verifyCalendlySignature(keys: readonly string[], rawBody: Buffer, header: string | string[] | undefined, nowSeconds: number): boolean {
  if (typeof header !== 'string' || !header || header.length > 512) return false;
  const parts = new Map(header.split(',').map((p) => { const i = p.indexOf('='); return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const; }));
  const t = parts.get('t') ?? '';
  const v1 = parts.get('v1') ?? '';
  if (!/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(nowSeconds - Number(t)) > CALENDLY_WINDOW_SECONDS) return false;
  let ok = false;
  for (const key of keys) if (key && constantTimeEqual(calendlySignature(key, Number(t), rawBody), `t=${t},v1=${v1}`)) ok = true;
  return ok;
}
