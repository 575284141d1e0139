import { OutboundRefused, safeRequest, type OutboundPolicy } from '../lib/outbound/safe-request.ts';

/**
 * Reads one lead from the Graph API (`GET /{leadgen_id}`, integrations.md §2.3) with the page
 * access token, through the SSRF guard (R35). A 429 or 5xx is retried here a few times with
 * full-jitter backoff; past that the error is transient (the job retries later). A lead that
 * does not exist, or that the token may not read, is permanent.
 */
export type GraphLead = {
  id: string;
  created_time?: string;
  form_id?: string;
  ad_id?: string;
  ad_name?: string;
  campaign_id?: string;
  campaign_name?: string;
  is_organic?: boolean;
  platform?: string;
  field_data?: { name?: unknown; values?: unknown }[];
  custom_disclaimer_responses?: { checkbox_key?: unknown; is_checked?: unknown }[];
};

export class LeadGraphError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
    readonly subcode: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
  }

  /** Graph's "does not exist, cannot be loaded due to missing permissions" (100/33), or a plain 404. */
  get missing(): boolean {
    return this.status === 404 || (this.code === 100 && this.subcode === 33);
  }
}

export type LeadClientOptions = {
  baseUrl: string;
  accessToken: string;
  policy?: OutboundPolicy;
  /** Tries in all (1 + retries) for a 429 / 5xx / network failure. */
  attempts?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
};

export const LEAD_FIELDS = 'id,created_time,field_data,form_id,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,is_organic,platform,custom_disclaimer_responses';
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);

function errorOf(status: number, body: Buffer): LeadGraphError {
  let code: number | null = null;
  let subcode: number | null = null;
  let message = `Graph API answered ${status}`;
  try {
    const e = (JSON.parse(body.toString('utf8')) as { error?: { code?: unknown; error_subcode?: unknown; message?: unknown } }).error;
    if (typeof e?.code === 'number') code = e.code;
    if (typeof e?.error_subcode === 'number') subcode = e.error_subcode;
    if (typeof e?.message === 'string') message = `Graph API error ${code ?? "?"} (HTTP ${status}): ${e.message.slice(0, 300)}`;
  } catch {
    // Not Graph's envelope (a proxy's page): the status says enough.
  }
  const retryable = status === 429 || status >= 500 || (code !== null && (RETRYABLE_CODES.has(code) || (code >= 80000 && code <= 80014)));
  return new LeadGraphError(message, status, code, subcode, retryable);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function leadGraphClient(opts: LeadClientOptions) {
  const attempts = opts.attempts ?? 3;
  const base = opts.retryBaseMs ?? 250;
  const cap = opts.retryCapMs ?? 4000;

  async function once(leadgenId: string): Promise<GraphLead> {
    const url = `${opts.baseUrl.replace(/\/+$/, '')}/${leadgenId}?fields=${LEAD_FIELDS}`;
    let answer;
    try {
      answer = await safeRequest(url, { headers: { authorization: `Bearer ${opts.accessToken}`, accept: 'application/json' } }, { timeoutMs: 10_000, maxBytes: 1024 * 1024, ...opts.policy });
    } catch (err) {
      if (err instanceof OutboundRefused) throw new LeadGraphError(`the Graph API URL was refused: ${err.message}`, 0, null, null, false);
      throw new LeadGraphError(`Graph API unreachable: ${err instanceof Error ? err.message : String(err)}`, 0, null, null, true);
    }
    if (answer.status !== 200) throw errorOf(answer.status, answer.body);
    let lead: GraphLead;
    try {
      lead = JSON.parse(answer.body.toString('utf8')) as GraphLead;
    } catch {
      throw new LeadGraphError('the Graph API answered 200 with a body that is not JSON', 200, null, null, true);
    }
    if (!lead || typeof lead !== 'object' || typeof lead.id !== 'string') throw new LeadGraphError('the Graph API answered 200 without a lead', 200, null, null, false);
    return lead;
  }

  return {
    async lead(leadgenId: string): Promise<GraphLead> {
      if (!/^\d{1,32}$/.test(leadgenId)) throw new LeadGraphError(`${leadgenId.slice(0, 40)} is not a lead id`, 0, null, null, false);
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(leadgenId);
        } catch (err) {
          if (!(err instanceof LeadGraphError) || !err.retryable || attempt >= attempts) throw err;
          // Full jitter: random(0, min(cap, base·2^attempt)), so retries of many jobs spread out.
          await sleep(Math.random() * Math.min(cap, base * 2 ** attempt));
        }
      }
    },
  };
}
