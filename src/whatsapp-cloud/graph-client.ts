/**
 * The WhatsApp Cloud API over the Graph API, with the integration's access token. Every call
 * has a timeout, follows no redirect and reads at most a bounded answer. Errors carry Meta's
 * envelope (`error.code`, `error.message`) and whether a retry can help (429, 5xx, network).
 */
import { OutboundRefused, safeRequest, type OutboundPolicy } from '../lib/outbound/safe-request.ts';

export class GraphError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
  }

  /** Read by the delivery job: no retry, the message fails at once. */
  get permanent(): boolean {
    return !this.retryable;
  }
}

/** `policy`: the SSRF guard's settings for media URLs (their `allow` lets tests reach a fake on 127.0.0.1). */
export type GraphClientOptions = { baseUrl: string; accessToken: string; timeoutMs?: number; maxBytes?: number; policy?: OutboundPolicy };

export type OutboundContent =
  | { type: 'text'; body: string; previewUrl?: boolean }
  | { type: 'template'; name: string; language: string; bodyParameters: string[] }
  | { type: 'image' | 'video' | 'audio' | 'document' | 'sticker'; link?: string; id?: string; caption?: string; filename?: string };

export type GraphTemplate = {
  name: string;
  language: string;
  status: string;
  category: string;
  components?: { type: string; text?: string }[];
};

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new GraphError(`answer of ${declared} bytes is over the ${maxBytes}-byte limit`, res.status, null, false);
  const chunks: Buffer[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBytes) throw new GraphError(`answer is over the ${maxBytes}-byte limit`, res.status, null, false);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function errorOf(status: number, body: Buffer): GraphError {
  let code: number | null = null;
  let message = `Graph API answered ${status}`;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { code?: unknown; message?: unknown; error_data?: { details?: unknown } } };
    if (typeof parsed.error?.code === 'number') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
    if (typeof parsed.error?.error_data?.details === 'string') message += `: ${parsed.error.error_data.details}`;
  } catch {
    // not Meta's envelope: keep the status
  }
  // 429, 5xx and Meta's throughput codes are worth another try; other 4xx are the request's fault.
  const retryable = status === 429 || status >= 500 || status === 408 || code === 130429 || code === 80007 || code === 4 || code === 131000;
  return new GraphError(code === null ? message : `(#${code}) ${message}`, status, code, retryable);
}

export function graphClient(opts: GraphClientOptions) {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const baseOrigin = new URL(base).origin;

  async function call(url: string, init: RequestInit = {}, limit = 1024 * 1024): Promise<{ body: Buffer; contentType: string }> {
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { authorization: `Bearer ${opts.accessToken}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) },
      });
    } catch (err) {
      throw new GraphError(`Graph API unreachable: ${(err as Error).message}`, 0, null, true);
    }
    if (res.status >= 300 && res.status < 400) throw new GraphError(`Graph API redirected (${res.status}); redirects are not followed`, res.status, null, false);
    const body = await readCapped(res, limit);
    if (!res.ok) throw errorOf(res.status, body);
    return { body, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
  }

  const json = async <T>(url: string, init?: RequestInit): Promise<T> => {
    const { body } = await call(url, init);
    try {
      return JSON.parse(body.toString('utf8')) as T;
    } catch {
      throw new GraphError('Graph API answered something that is not JSON', 200, null, true);
    }
  };

  return {
    /** POST /{phone-number-id}/messages; the wamid of the accepted message. */
    async sendMessage(phoneNumberId: string, to: string, content: OutboundContent, callbackData?: string): Promise<string> {
      const body: Record<string, unknown> = { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: content.type };
      if (content.type === 'text') body.text = { preview_url: content.previewUrl ?? false, body: content.body };
      else if (content.type === 'template') {
        body.template = {
          name: content.name,
          language: { code: content.language },
          ...(content.bodyParameters.length ? { components: [{ type: 'body', parameters: content.bodyParameters.map((text) => ({ type: 'text', text })) }] } : {}),
        };
      } else {
        body[content.type] = { ...(content.id ? { id: content.id } : { link: content.link }), ...(content.caption ? { caption: content.caption } : {}), ...(content.filename ? { filename: content.filename } : {}) };
      }
      if (callbackData) body.biz_opaque_callback_data = callbackData;
      const answer = await json<{ messages?: { id?: string }[] }>(`${base}/${encodeURIComponent(phoneNumberId)}/messages`, { method: 'POST', body: JSON.stringify(body) });
      const wamid = answer.messages?.[0]?.id;
      if (!wamid) throw new GraphError('Graph API accepted the message but gave no message id', 200, null, true);
      return wamid;
    },

    /**
     * GET /{media-id} for the short-lived URL, then the bytes with the same bearer token. The
     * URL comes from the provider's answer, so the download goes through the SSRF guard (R35):
     * https only, no private or loopback address, no redirect, bounded size and time.
     */
    async downloadMedia(mediaId: string): Promise<{ content: Buffer; mimeType: string }> {
      const meta = await json<{ url?: string; mime_type?: string }>(`${base}/${encodeURIComponent(mediaId)}`);
      if (!meta.url) throw new GraphError(`media ${mediaId} has no URL`, 200, null, false);
      let answer;
      try {
        answer = await safeRequest(meta.url, { headers: { authorization: `Bearer ${opts.accessToken}` } }, { ...opts.policy, timeoutMs, maxBytes });
      } catch (err) {
        if (err instanceof OutboundRefused) throw new GraphError(`media URL refused: ${err.message}`, 0, null, err.reason === 'timeout');
        throw new GraphError(`media download failed: ${(err as Error).message}`, 0, null, true);
      }
      if (answer.status !== 200) throw errorOf(answer.status, answer.body);
      const contentType = answer.headers['content-type'];
      return { content: answer.body, mimeType: meta.mime_type ?? (typeof contentType === 'string' ? contentType : 'application/octet-stream') };
    },

    /** GET /{waba-id}/message_templates, every page. */
    async listTemplates(wabaId: string): Promise<GraphTemplate[]> {
      const out: GraphTemplate[] = [];
      let url: string | undefined = `${base}/${encodeURIComponent(wabaId)}/message_templates?limit=100`;
      for (let pages = 0; url && pages < 50; pages++) {
        const page: { data?: GraphTemplate[]; paging?: { next?: string } } = await json(url);
        out.push(...(page.data ?? []));
        const next: string | undefined = page.paging?.next;
        url = next && new URL(next).origin === baseOrigin ? next : undefined;
      }
      return out;
    },
  };
}
export type GraphClient = ReturnType<typeof graphClient>;
