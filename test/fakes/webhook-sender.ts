/**
 * The delivery loop a webhook sender runs, for the fake senders beside it: POST the bytes over
 * real HTTP, and on a failure (a non-2xx answer, a refused connection, a timeout) wait and try
 * again, as the provider's own retry schedule does, scaled from minutes down to milliseconds.
 * Each attempt is built afresh (a sender that signs a timestamp signs each attempt anew).
 */
export type Attempt = { status: number; body: string } | { status: 0; error: string };

export type Outcome = {
  /** Some attempt got a 2xx. */
  delivered: boolean;
  attempts: Attempt[];
  /** The provider turned the webhook off (an answer it reads as "gone", or failures past its limit). */
  disabled: boolean;
};

export type RetryPolicy = {
  /** Waits before each retry, in ms; as many retries as entries. */
  retryDelaysMs: readonly number[];
  /** Answers that stop the retries and disable the webhook at once (Typeform: 404, 410). */
  disableOn?: readonly number[];
  /** Whether failing every retry disables the webhook (Calendly: 24 h of failures). */
  disableWhenExhausted?: boolean;
  /** The answer wait before an attempt counts as failed. */
  timeoutMs?: number;
};

export type SenderRequest = { body: string; headers: Record<string, string> };

/** One POST over real HTTP; a connection failure or timeout is status 0 with its reason. */
export async function postOnce(url: string, request: SenderRequest, timeoutMs = 30_000): Promise<Attempt> {
  try {
    const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { status: 0, error: cause?.code ?? (err as Error).name };
  }
}

/**
 * Delivers one event by `policy`. `build(attempt)` makes each attempt's request (0 = the first);
 * `beforeRetry` runs after a failure, before the wait ends (a test changes the world there).
 */
export async function deliverWithRetries(
  url: string,
  policy: RetryPolicy,
  build: (attempt: number) => SenderRequest,
  beforeRetry?: (failed: Attempt, retry: number) => Promise<void> | void,
): Promise<Outcome> {
  const attempts: Attempt[] = [];
  for (let n = 0; ; n++) {
    const attempt = await postOnce(url, build(n), policy.timeoutMs);
    attempts.push(attempt);
    if (attempt.status >= 200 && attempt.status < 300) return { delivered: true, attempts, disabled: false };
    if (policy.disableOn?.includes(attempt.status)) return { delivered: false, attempts, disabled: true };
    if (n >= policy.retryDelaysMs.length) return { delivered: false, attempts, disabled: policy.disableWhenExhausted ?? false };
    await beforeRetry?.(attempt, n + 1);
    await new Promise((resolve) => setTimeout(resolve, policy.retryDelaysMs[n]));
  }
}

/** The statuses of an outcome's attempts, in order (0 = no answer). */
export const statuses = (outcome: Outcome): number[] => outcome.attempts.map((a) => a.status);

/** A provider's webhook subscription: delivers by its policy until an outcome disables it, then sends nothing. */
export function subscription(url: string, policy: RetryPolicy) {
  let disabled = false;
  return {
    get disabled() {
      return disabled;
    },
    async send(build: (attempt: number) => SenderRequest, beforeRetry?: (failed: Attempt, retry: number) => Promise<void> | void): Promise<Outcome> {
      if (disabled) return { delivered: false, attempts: [], disabled };
      const outcome = await deliverWithRetries(url, policy, build, beforeRetry);
      disabled = outcome.disabled;
      return outcome;
    },
  };
}
