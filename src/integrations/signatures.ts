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
