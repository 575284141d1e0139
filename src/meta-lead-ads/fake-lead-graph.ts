import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Graph API's lead reads on 127.0.0.1, for tests (integrations.md §2.4):
 * `GET /v21.0/{leadgen_id}?fields=…` with the page token (bearer or `access_token`), Graph's
 * error envelope for a bad token (190) and a lead that does not exist (100 / 33), scriptable
 * 429 / 5xx answers, and the leadgen webhook as Meta signs it.
 */
export type ScriptedAnswer = { status: number; body: unknown };
export type FakeLeadGraph = {
  url: string;
  /** The `host:port` to allow through the SSRF guard. */
  hostPort: string;
  leads: Map<string, Record<string, unknown>>;
  /** Answers for the next lead reads, in order; then the stored lead (or 100/33). */
  script: ScriptedAnswer[];
  requests: { path: string; fields: string | null; authorization: string | undefined }[];
  close(): Promise<void>;
};

export const graphError = (status: number, code: number, message: string, subcode?: number, type = 'OAuthException'): ScriptedAnswer => ({
  status,
  body: { error: { message, type, code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), fbtrace_id: 'AxYz123' } },
});

export async function startFakeLeadGraph(pageToken = 'test_page_token'): Promise<FakeLeadGraph> {
  const fake = { leads: new Map<string, Record<string, unknown>>(), script: [] as ScriptedAnswer[], requests: [] as FakeLeadGraph['requests'] };
  const server: Server = createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    fake.requests.push({ path, fields: url.searchParams.get('fields'), authorization: req.headers.authorization });
    const answer = (a: ScriptedAnswer) => {
      res.writeHead(a.status, { 'content-type': 'application/json; charset=UTF-8', 'x-app-usage': '{"call_count":1,"total_time":1,"total_cputime":1}' });
      res.end(JSON.stringify(a.body));
    };
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? url.searchParams.get('access_token');
    if (token !== pageToken) return answer(graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token'));
    const parts = path.split('/').filter(Boolean);
    if (req.method !== 'GET' || parts.length !== 1) return answer(graphError(400, 100, 'Unsupported request', undefined, 'GraphMethodException'));
    const scripted = fake.script.shift();
    if (scripted) return answer(scripted);
    const lead = fake.leads.get(parts[0]!);
    if (!lead) {
      return answer(graphError(400, 100, `Unsupported get request. Object with ID '${parts[0]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33, 'GraphMethodException'));
    }
    return answer({ status: 200, body: lead });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...fake,
    url: `http://127.0.0.1:${port}/v21.0`,
    hostPort: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A leadgen webhook body as Meta sends it (ids only), and its signature under the App Secret. */
export function leadgenWebhook(appSecret: string, leads: { leadgenId: string; pageId?: string; formId?: string; adId?: string }[]): { body: string; signature: string } {
  const body = JSON.stringify({
    object: 'page',
    entry: [{
      id: leads[0]?.pageId ?? '123456789012345',
      time: 1767225600,
      changes: leads.map((l) => ({
        field: 'leadgen',
        value: { leadgen_id: l.leadgenId, page_id: l.pageId ?? '123456789012345', form_id: l.formId ?? '555666777888999', ...(l.adId ? { ad_id: l.adId, adgroup_id: l.adId } : {}), created_time: 1767225598 },
      })),
    }],
  });
  return { body, signature: `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` };
}
