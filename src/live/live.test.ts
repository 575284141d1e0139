import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { makeLiveService } from './live.service.ts';

type Received = { id?: string; data: { type: string; id: string | null; version: number | null } };

/** An SSE client over a real socket: parses `id:`/`data:` blocks as they arrive. */
function openStream(port: number, apiKey: string, headers: Record<string, string> = {}) {
  const events: Received[] = [];
  let raw = '';
  let status = 0;
  let contentType = '';
  const request = http.get({ host: '127.0.0.1', port, path: '/v1/events/stream', headers: { accept: 'text/event-stream', authorization: `Bearer ${apiKey}`, ...headers } });
  const opened = new Promise<void>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type'] ?? '');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        let at: number;
        while ((at = raw.indexOf('\n\n')) >= 0) {
          const block = raw.slice(0, at);
          raw = raw.slice(at + 2);
          const id = /^id: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data) events.push({ id, data: JSON.parse(data) });
        }
      });
      res.on('error', () => undefined);
      resolve();
    });
  });
  return {
    events,
    opened,
    status: () => status,
    contentType: () => contentType,
    close: () => request.destroy(),
    async until(check: (e: Received[]) => boolean, what: string) {
      for (let i = 0; i < 300 && !check(events); i++) await new Promise((r) => setTimeout(r, 100));
      if (!check(events)) throw new Error(`stream never carried ${what}; got ${JSON.stringify(events)}`);
    },
  };
}

let t: TestApp;
let port: number;
let a: TestWorkspace;
let b: TestWorkspace;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as AddressInfo).port;
  a = await t.workspace({ name: 'Live A' });
  b = await t.workspace({ name: 'Live B' });
});
afterAll(async () => {
  await t?.close();
});

const inbound = (ws: TestWorkspace, contactId: string, body: string) =>
  ws.req('POST', `/v1/contacts/${contactId}/whatsapp-messages`, { direction: 'inbound', type: 'text', body });

describe('GET /v1/events/stream', () => {
  it("relays the workspace's changes as they commit, and none of another workspace's", async () => {
    const stream = openStream(port, a.apiKey);
    await stream.opened;
    expect(stream.status()).toBe(200);
    expect(stream.contentType()).toContain('text/event-stream');
    await new Promise((r) => setTimeout(r, 300)); // the feed is primed once the stream is open
    const theirs = await b.req('POST', '/v1/contacts', { firstName: 'Beatriz', lastName: 'Otra', phone: '+34611000001' });
    const mine = await a.req('POST', '/v1/contacts', { firstName: 'Ana', lastName: 'Núñez', phone: '+34611000002' });
    expect([theirs.status, mine.status]).toEqual([201, 201]);
    await inbound(b, theirs.body.id, 'hola desde B');
    await inbound(a, mine.body.id, 'hola desde A');
    await stream.until((e) => e.some((x) => x.data.type === 'attention.changed' && x.data.id === mine.body.id), "A's contact becoming pending");
    const created = stream.events.find((x) => x.data.type === 'contact.created' && x.data.id === mine.body.id);
    expect(created?.data.version).toBe(1);
    expect(stream.events.every((x) => x.id && /^[0-9a-f-]{36}$/.test(x.id))).toBe(true);
    // A second message to a pending contact changes its conversation, not its attention.
    await inbound(a, mine.body.id, 'otra vez');
    await stream.until((e) => e.some((x) => x.data.type === 'communication.recorded' && x.data.id === mine.body.id), 'the second message');
    expect(JSON.stringify(stream.events)).not.toContain(theirs.body.id);
    stream.close();
  });

  it('resumes after Last-Event-ID with what happened while disconnected, from the header or the query', async () => {
    const first = openStream(port, a.apiKey);
    await first.opened;
    await new Promise((r) => setTimeout(r, 300));
    const c1 = await a.req('POST', '/v1/contacts', { firstName: 'Uno', phone: '+34611000010' });
    await first.until((e) => e.some((x) => x.data.id === c1.body.id), 'the first contact');
    const last = first.events.at(-1)!.id!;
    first.close();
    const c2 = await a.req('POST', '/v1/contacts', { firstName: 'Dos', phone: '+34611000011' });
    await b.req('POST', '/v1/contacts', { firstName: 'Ajeno', phone: '+34611000012' });

    const resumed = openStream(port, a.apiKey, { 'last-event-id': last });
    await resumed.opened;
    await resumed.until((e) => e.some((x) => x.data.type === 'contact.created' && x.data.id === c2.body.id), 'the contact created while away');
    expect(resumed.events.map((x) => x.data.id)).not.toContain(c1.body.id);
    resumed.close();

    // Without Accept: text/event-stream the answer is a poll that ends.
    const poll = await a.req('GET', `/v1/events/stream?lastEventId=${last}`);
    expect(poll.status).toBe(200);
    expect(poll.text).toContain(`"id":"${c2.body.id}"`);
    expect(poll.text).not.toContain(c1.body.id);
    // Too far back to replay: one resync.
    const old = await a.req('GET', '/v1/events/stream', undefined, { 'last-event-id': '00000000-0001-7000-8000-000000000000' });
    expect(old.text).toMatch(/"type":"resync"/);
  });

  it('refuses a malformed Last-Event-ID and a missing credential as problems', async () => {
    const bad = await a.req('GET', '/v1/events/stream', undefined, { 'last-event-id': 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/headers/last-event-id');
    const badQuery = await a.req('GET', '/v1/events/stream?lastEventId=nope');
    expect(badQuery.status).toBe(400);
    const anon = await t.app.inject({ method: 'GET', url: '/v1/events/stream', headers: { accept: 'text/event-stream' } });
    expect(anon.statusCode).toBe(401);
    expect(anon.headers['content-type']).toContain('application/problem+json');
  });

  it('holds a bounded number of streams per process and frees a slot when one ends', async () => {
    const live = makeLiveService({ db: t.deps.db, clock: t.deps.clock, maxStreams: 1, pollMs: 60_000 });
    const actor = { workspaceId: a.id, role: 'owner', principalId: a.apiKeyId, userId: a.ownerId } as const;
    const sink = { send: () => undefined, close: () => undefined };
    const end = await live.open(actor as never, undefined, sink);
    await expect(live.open(actor as never, undefined, sink)).rejects.toMatchObject({ code: 'too_many_streams', options: { status: 503 } });
    end();
    const again = await live.open(actor as never, undefined, sink);
    expect(live.openStreams()).toBe(1);
    again();
    live.closeAll();
  });

  it('ends a stream at shutdown and on the server side when the client leaves', async () => {
    const stream = openStream(port, a.apiKey);
    await stream.opened;
    await new Promise((r) => setTimeout(r, 200));
    expect(t.deps.services.live.openStreams()).toBe(1);
    stream.close();
    for (let i = 0; i < 50 && t.deps.services.live.openStreams() > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(t.deps.services.live.openStreams()).toBe(0);
  });
});
