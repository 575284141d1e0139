import { createHmac } from 'node:crypto';
import { subscription, type Attempt, type Outcome, type RetryPolicy } from './webhook-sender.ts';

/** Calendly's header (`t=…,v1=` HMAC-SHA256 hex of `t.body`), computed here as the provider does (integrations.md), not with our verifier's code. */
const calendlySignature = (key: string, t: number, body: string | Buffer) => `t=${t},v1=${createHmac('sha256', key).update(`${t}.`).update(body).digest('hex')}`;

/**
 * Calendly's webhook sender (API v2), as a test fake (integrations.md §4.3, §4.4): POSTs the event
 * JSON with `Calendly-Webhook-Signature: t=<unix s>,v1=<hex HMAC-SHA256(key, t + "." + raw body)>`,
 * retries any non-2xx or timeout with exponential back-off (24 h of it, here ms), and disables the
 * subscription when every retry failed. Each attempt is signed at the time it is sent (whether
 * Calendly re-signs its retries is not documented; `signedAt` pins a time for stale-signature cases).
 */
export const CALENDLY_RETRIES: RetryPolicy = { retryDelaysMs: [1, 2, 4, 8, 16], disableWhenExhausted: true, timeoutMs: 30_000 };

export type CalendlySender = {
  /** Set once a delivery exhausted its retries; later deliveries are not sent. */
  readonly disabled: boolean;
  deliver(
    body: string,
    opts?: { key?: string | null; signedAt?: number; beforeRetry?: (failed: Attempt, retry: number) => Promise<void> | void },
  ): Promise<Outcome>;
};

export function calendlySender(opts: { url: string; signingKey: string | null; now?: () => Date; policy?: RetryPolicy }): CalendlySender {
  const webhook = subscription(opts.url, opts.policy ?? CALENDLY_RETRIES);
  const nowSeconds = () => Math.floor((opts.now?.() ?? new Date()).getTime() / 1000);
  return {
    get disabled() {
      return webhook.disabled;
    },
    deliver(body, o = {}) {
      const key = o.key === undefined ? opts.signingKey : o.key;
      const build = () => {
        const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
        if (key) headers['calendly-webhook-signature'] = calendlySignature(key, o.signedAt ?? nowSeconds(), body);
        return { body, headers };
      };
      return webhook.send(build, o.beforeRetry);
    },
  };
}
