import { OutboundRefused, safeRequest, type OutboundPolicy } from '../lib/outbound/safe-request.ts';

/**
 * Bankflip's API on the workspace's own host (user-supplied, so every request goes through the
 * SSRF guard, R35): `GET /session/{id}`, `GET /session/{id}/summary`, `GET /document/{id}/content`
 * with `Authorization: Bearer <API key>` (integrations.md §9). A 429 / 5xx / network failure is
 * retried a few times with full-jitter backoff; past that it is transient (the job retries later).
 */
export class BankflipApiError extends Error {
  constructor(message: string, readonly status: number, readonly retryable: boolean) {
    super(message);
  }
}

export type BankflipClientOptions = { baseUrl: string; apiKey: string; policy?: OutboundPolicy; attempts?: number; retryBaseMs?: number; retryCapMs?: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function bankflipClient(opts: BankflipClientOptions) {
  const attempts = opts.attempts ?? 3;
  const base = opts.retryBaseMs ?? 250;
  const cap = opts.retryCapMs ?? 4000;

  async function once(path: string, maxBytes: number): Promise<{ body: Buffer; contentType: string }> {
    let answer;
    try {
      answer = await safeRequest(`${opts.baseUrl.replace(/\/+$/, '')}${path}`, { headers: { authorization: `Bearer ${opts.apiKey}`, accept: 'application/json, application/pdf' } }, { timeoutMs: 15_000, maxBytes, ...opts.policy });
    } catch (err) {
      if (err instanceof OutboundRefused) throw new BankflipApiError(`the Bankflip API URL was refused: ${err.message}`, 0, err.reason === 'timeout');
      throw new BankflipApiError(`Bankflip API unreachable: ${err instanceof Error ? err.message : String(err)}`, 0, true);
    }
    if (answer.status !== 200) {
      const text = answer.body.toString('utf8').slice(0, 300);
      throw new BankflipApiError(`Bankflip API answered ${answer.status} to GET ${path.split('?')[0]}: ${text}`, answer.status, answer.status === 429 || answer.status >= 500);
    }
    return { body: answer.body, contentType: String(answer.headers['content-type'] ?? 'application/octet-stream') };
  }

  async function get(path: string, maxBytes = 1024 * 1024) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(path, maxBytes);
      } catch (err) {
        if (!(err instanceof BankflipApiError) || !err.retryable || attempt >= attempts) throw err;
        await sleep(Math.random() * Math.min(cap, base * 2 ** attempt));
      }
    }
  }

  async function json(path: string): Promise<unknown> {
    const { body } = await get(path);
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new BankflipApiError(`Bankflip API answered GET ${path} with a body that is not JSON`, 200, true);
    }
  }

  const id = (v: string) => encodeURIComponent(v);
  return {
    session: (sessionId: string) => json(`/session/${id(sessionId)}`),
    summary: (sessionId: string) => json(`/session/${id(sessionId)}/summary`),
    documentContent: (documentId: string, maxBytes: number) => get(`/document/${id(documentId)}/content`, maxBytes),
  };
}
