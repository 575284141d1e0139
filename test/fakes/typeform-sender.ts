import { createHmac } from 'node:crypto';
import { subscription, type Attempt, type Outcome, type RetryPolicy } from './webhook-sender.ts';

/** Typeform's header, computed here as the provider does (integrations.md), not with our verifier's code. */
const typeformSignature = (secret: string, body: string | Buffer) => `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;

/**
 * Typeform's webhook sender, as a test fake (integrations.md §3.3, §3.4): POSTs the response JSON
 * with `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, raw body)>` (no header when the
 * webhook has no secret), retries every other failure on its back-off (5, 10, 20, 60 and 120 min,
 * here ms), and disables the webhook on a 404 or 410 without retrying.
 */
export const TYPEFORM_RETRIES: RetryPolicy = { retryDelaysMs: [5, 10, 20, 60, 120], disableOn: [404, 410], timeoutMs: 30_000 };

export type TypeformSender = {
  /** Set once an answer disabled the webhook; later deliveries are not sent. */
  readonly disabled: boolean;
  deliver(body: string, opts?: { secret?: string | null; beforeRetry?: (failed: Attempt, retry: number) => Promise<void> | void }): Promise<Outcome>;
};

export function typeformSender(opts: { url: string; secret: string | null; policy?: RetryPolicy }): TypeformSender {
  const webhook = subscription(opts.url, opts.policy ?? TYPEFORM_RETRIES);
  return {
    get disabled() {
      return webhook.disabled;
    },
    deliver(body, o = {}) {
      const secret = o.secret === undefined ? opts.secret : o.secret;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Typeform Webhooks' };
      if (secret) headers['typeform-signature'] = typeformSignature(secret, body);
      return webhook.send(() => ({ body, headers }), o.beforeRetry);
    },
  };
}
