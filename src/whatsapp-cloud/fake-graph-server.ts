import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the Graph API on 127.0.0.1 for tests and benchmarks: the real wire
 * format of `/{phone-number-id}/messages`, `/{media-id}` (+ the download URL) and
 * `/{waba-id}/message_templates`, bearer token checked, answers scriptable (429, 5xx, 131047).
 */
export type FakeGraphRequest = { method: string; path: string; authorization: string | undefined; body: unknown };
export type ScriptedAnswer = { status: number; body: unknown };

export type FakeGraph = {
  url: string;
  requests: FakeGraphRequest[];
  /** Answers for the next sends, in order; after them, 200 with a fresh wamid. */
  sendScript: ScriptedAnswer[];
  /** Recipients (digits) whose 24-hour window is closed: free-form text answers 400 / 131047. */
  closedWindows: Set<string>;
  media: Map<string, { mimeType: string; content: Buffer }>;
  templates: unknown[];
  accessToken: string;
  close(): Promise<void>;
};

const read = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

export const graphError = (status: number, code: number, message: string, details?: string): ScriptedAnswer => ({
  status,
  body: { error: { message, type: 'OAuthException', code, ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}), fbtrace_id: 'AbCdEf123' } },
});

export async function startFakeGraph(accessToken = 'test_access_token'): Promise<FakeGraph> {
  let sent = 0;
  const fake: Omit<FakeGraph, 'url' | 'close'> = { requests: [], sendScript: [], closedWindows: new Set(), media: new Map(), templates: [], accessToken };
  let url = '';
  const server: Server = createServer(async (req, res) => {
    const raw = await read(req);
    const path = (req.url ?? '/').split('?')[0]!.replace(/^\/v\d+\.\d+/, '');
    let body: unknown = undefined;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    }
    fake.requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization, body });
    const answer = (a: ScriptedAnswer) => {
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.body));
    };
    if (req.headers.authorization !== `Bearer ${fake.accessToken}`) return answer(graphError(401, 190, 'Invalid OAuth access token'));
    const parts = path.split('/').filter(Boolean);
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'messages') {
      const scripted = fake.sendScript.shift();
      if (scripted) return answer(scripted);
      const b = body as { to?: string; type?: string };
      if (b.type === 'text' && b.to && fake.closedWindows.has(b.to)) {
        return answer(graphError(400, 131047, '(#131047) Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'));
      }
      sent++;
      return answer({ status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: b.to, wa_id: b.to }], messages: [{ id: `wamid.OUT${sent}`, message_status: 'accepted' }] } });
    }
    if (req.method === 'GET' && parts[0] === 'download' && parts[1]) {
      const m = fake.media.get(parts[1]);
      if (!m) return answer(graphError(404, 100, 'Unknown media'));
      res.writeHead(200, { 'content-type': m.mimeType, 'content-length': String(m.content.length) });
      return res.end(m.content);
    }
    if (req.method === 'GET' && parts.length === 2 && parts[1] === 'message_templates') {
      return answer({ status: 200, body: { data: fake.templates, paging: { cursors: { before: 'a', after: 'b' } } } });
    }
    if (req.method === 'GET' && parts.length === 1) {
      const m = fake.media.get(parts[0]!);
      if (!m) return answer(graphError(400, 100, 'Unsupported get request'));
      return answer({ status: 200, body: { messaging_product: 'whatsapp', url: `${url}/download/${parts[0]}`, mime_type: m.mimeType, sha256: 'x', file_size: m.content.length, id: parts[0] } });
    }
    return answer(graphError(404, 100, 'Unknown path'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`;
  return Object.assign(fake, {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
