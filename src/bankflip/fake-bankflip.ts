import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bankflipSignature } from './bankflip-signature.ts';

/**
 * A stand-in for a Bankflip API host on 127.0.0.1, for tests (integrations.md §9): bearer auth,
 * `GET /session/{id}` (with metadata), `GET /session/{id}/summary`, `GET /document/{id}/content`,
 * 404 `{ code: 'NOT_FOUND' }` for what it does not hold, and scriptable answers (5xx, 429) for the
 * next requests.
 */
export type FakeSession = { metadata: Record<string, unknown>; summary: Record<string, unknown> };
export type FakeBankflip = {
  url: string;
  hostPort: string;
  sessions: Map<string, FakeSession>;
  documents: Map<string, { contentType: string; body: Buffer }>;
  script: { status: number; body: unknown }[];
  requests: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
};

export async function startFakeBankflip(apiKey: string): Promise<FakeBankflip> {
  const fake = { sessions: new Map<string, FakeSession>(), documents: new Map<string, { contentType: string; body: Buffer }>(), script: [] as FakeBankflip['script'], requests: [] as FakeBankflip['requests'] };
  const server: Server = createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    fake.requests.push({ path, authorization: req.headers.authorization });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${apiKey}`) return json(401, { code: 'UNAUTHORIZED', message: 'Invalid API key' });
    const scripted = fake.script.shift();
    if (scripted) return json(scripted.status, scripted.body);
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const notFound = () => json(404, { code: 'NOT_FOUND', message: `${path} not found` });
    if (req.method !== 'GET') return notFound();
    if (parts[0] === 'session' && parts.length === 2) {
      const s = fake.sessions.get(parts[1]!);
      return s ? json(200, { id: parts[1], status: 'COMPLETED', metadata: s.metadata, widgetLink: `https://widget.example/${parts[1]}` }) : notFound();
    }
    if (parts[0] === 'session' && parts[2] === 'summary' && parts.length === 3) {
      const s = fake.sessions.get(parts[1]!);
      return s ? json(200, s.summary) : notFound();
    }
    if (parts[0] === 'document' && parts[2] === 'content' && parts.length === 3) {
      const d = fake.documents.get(parts[1]!);
      if (!d) return notFound();
      res.writeHead(200, { 'content-type': d.contentType, 'content-length': String(d.body.length) });
      return res.end(d.body);
    }
    return notFound();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { ...fake, url: `http://127.0.0.1:${port}`, hostPort: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A webhook delivery as Bankflip signs it, for the full URL it is sent to. */
export function bankflipWebhook(secretBase64: string, url: string, body: unknown, timestamp: number): { body: string; headers: Record<string, string> } {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return { body: raw, headers: { 'content-type': 'application/json', 'x-signature-timestamp': String(timestamp), 'x-signature-v1': bankflipSignature(secretBase64, 'POST', url, raw, String(timestamp)) } };
}
