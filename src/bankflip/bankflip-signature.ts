import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../integrations/integrations.service.ts';

/**
 * Bankflip / Permisso webhook signature (integrations.md §9, reverse-engineered, unofficial):
 * `x-signature-v1` = base64 HMAC-SHA256 keyed by the base64-DECODED webhook secret over
 * METHOD + full URL + raw body + `x-signature-timestamp`. The timestamp's unit is not known: a
 * value above 10^12 is read as milliseconds, else seconds; either must be within the window.
 */
export const BANKFLIP_WINDOW_SECONDS = 5 * 60;

export function bankflipSignature(secretBase64: string, method: string, url: string, rawBody: Buffer | string, timestamp: string): string {
  return createHmac('sha256', Buffer.from(secretBase64, 'base64')).update(method.toUpperCase()).update(url).update(rawBody).update(timestamp).digest('base64');
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Whether the delivery is signed under any secret (two while rotating) for one of the candidate URLs, with a fresh timestamp. */
export function verifyBankflipSignature(
  secrets: readonly string[],
  method: string,
  urls: readonly string[],
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  nowSeconds: number,
): boolean {
  const signature = one(headers['x-signature-v1']);
  const timestamp = one(headers['x-signature-timestamp']);
  if (!signature || signature.length > 200 || !timestamp || !/^\d{1,16}$/.test(timestamp)) return false;
  const t = Number(timestamp);
  const seconds = t > 1e12 ? t / 1000 : t;
  if (Math.abs(nowSeconds - seconds) > BANKFLIP_WINDOW_SECONDS) return false;
  let ok = false;
  // Every secret and URL is tried (no early exit), so the time does not tell which matched.
  for (const secret of secrets) for (const url of urls) if (secret && constantTimeEqual(bankflipSignature(secret, method, url, rawBody, timestamp), signature)) ok = true;
  return ok;
}

/** The URLs the sender may have signed: the configured public base, else the Host it called (https, then http). */
export function signedUrls(path: string, headers: Record<string, string | string[] | undefined>, publicBaseUrl: string | undefined): string[] {
  if (publicBaseUrl) return [publicBaseUrl.replace(/\/+$/, '') + path];
  const host = (one(headers['x-forwarded-host']) ?? one(headers.host))?.split(',')[0]?.trim();
  return host ? [`https://${host}${path}`, `http://${host}${path}`] : [];
}
