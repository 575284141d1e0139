import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from './harness.ts';
import { queryRows } from '../src/lib/db.ts';
import { makeGroupCommit } from '../src/lib/group-commit.ts';
import { metaSignature } from '../src/integrations/signatures.ts';

describe('group commit of webhook deliveries (the batcher alone)', () => {
  it('writes the deliveries that arrive together in one batch, and the next ones in the batch after', async () => {
    const batches: string[][] = [];
    const batcher = makeGroupCommit<string, string>(async (_key, items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return items.map((i) => `ok ${i}`);
    });
    const first = await Promise.all(['a', 'b', 'c'].map((i) => batcher.add('k', i)));
    expect(first).toEqual(['ok a', 'ok b', 'ok c']);
    expect(batches).toEqual([['a', 'b', 'c']]);
    // While one batch is being written the next deliveries gather for the batch after it.
    const one = batcher.add('k', 'd');
    await new Promise((r) => setImmediate(r));
    const more = ['e', 'f'].map((i) => batcher.add('k', i));
    expect(await Promise.all([one, ...more])).toEqual(['ok d', 'ok e', 'ok f']);
    expect(batches.slice(1)).toEqual([['d'], ['e', 'f']]);
  });

  it('keeps keys apart and caps a batch', async () => {
    const batches: string[][] = [];
    const batcher = makeGroupCommit<string, string>(async (key, items) => (batches.push(items.map((i) => `${key}:${i}`)), items), { maxItems: 2 });
    await Promise.all([batcher.add('x', '1'), batcher.add('y', '1'), batcher.add('x', '2'), batcher.add('x', '3')]);
    expect(batches.sort()).toEqual([['x:1', 'x:2'], ['x:3'], ['y:1']]);
  });

  /** An error as the database driver gives it: a SQLSTATE in `code`. */
  const dbError = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('fails every delivery of a batch at once when the database is unreachable (no retry item by item)', async () => {
    let calls = 0;
    const batcher = makeGroupCommit<string, string>(async () => {
      calls++;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    const settled = await Promise.allSettled(['a', 'b', 'c'].map((i) => batcher.add('k', i)));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(settled.map((s) => (s as PromiseRejectedResult).reason.message)).toEqual(Array.from({ length: 3 }, () => 'connect ECONNREFUSED 127.0.0.1:5432'));
    // One attempt for the batch, none per delivery: an outage answers as fast as one write fails.
    expect(calls).toBe(1);
  });

  it('fails a batch at once on a server shutdown or a timeout too', async () => {
    for (const err of [dbError('terminating connection due to administrator command', '57P01'), new Error('Query read timeout'), dbError('too many connections', '53300')]) {
      let calls = 0;
      const batcher = makeGroupCommit<string, string>(async () => {
        calls++;
        throw err;
      });
      await Promise.allSettled(['a', 'b'].map((i) => batcher.add('k', i)));
      expect(calls).toBe(1);
    }
  });

  it('lets a delivery that can never be written fail alone (the database refused its data)', async () => {
    const written: string[] = [];
    let calls = 0;
    const batcher = makeGroupCommit<string, string>(async (_key, items) => {
      calls++;
      if (items.includes('poison')) throw dbError('unsupported Unicode escape sequence', '22P05');
      written.push(...items);
      return items;
    });
    const settled = await Promise.allSettled(['a', 'poison', 'b'].map((i) => batcher.add('k', i)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason.code).toBe('22P05');
    expect(written).toEqual(['a', 'b']);
    // The batch, then each delivery alone.
    expect(calls).toBe(4);
  });

  it('finds the SQLSTATE on a wrapped error (drizzle keeps the driver error as its cause)', async () => {
    const written: string[] = [];
    const batcher = makeGroupCommit<string, string>(async (_key, items) => {
      if (items.includes('long')) throw Object.assign(new Error('Failed query: insert …'), { cause: dbError('value too long', '22001') });
      written.push(...items);
      return items;
    });
    const settled = await Promise.allSettled(['a', 'long'].map((i) => batcher.add('k', i)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected']);
    expect(written).toEqual(['a']);
  });

  it('with inFlight 2, starts the next batch while one is being written, and answers each after its own write', async () => {
    const batches: string[][] = [];
    const open: (() => void)[] = [];
    let concurrent = 0;
    let most = 0;
    const batcher = makeGroupCommit<string, string>(
      async (_key, items) => {
        batches.push(items);
        most = Math.max(most, ++concurrent);
        await new Promise<void>((r) => open.push(r));
        concurrent--;
        return items.map((i) => `ok ${i}`);
      },
      { inFlight: 2 },
    );
    const turn = () => new Promise((r) => setImmediate(r));
    const settled: string[] = [];
    const track = (p: Promise<string>) => p.then((r) => (settled.push(r), r));
    const first = ['a', 'b'].map((i) => track(batcher.add('k', i)));
    await turn();
    const second = ['c', 'd'].map((i) => track(batcher.add('k', i)));
    await turn();
    // A third batch waits: two are in flight.
    const third = track(batcher.add('k', 'e'));
    await turn();
    expect(batches).toEqual([['a', 'b'], ['c', 'd']]);
    expect(most).toBe(2);
    // The second write ends first: its deliveries are answered, the first's are not yet.
    open.splice(1, 1)[0]!();
    await turn();
    await turn();
    expect(settled).toEqual(['ok c', 'ok d']);
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    open.forEach((r) => r());
    expect(await Promise.all([...first, ...second, third])).toEqual(['ok a', 'ok b', 'ok c', 'ok d', 'ok e']);
    expect(most).toBe(2);
  });
});

/** Through the integrations service on a real database (PGlite, or PostgreSQL with DATABASE_URL). */
describe('group commit of webhook deliveries (stored)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let integrationId: string;
  const APP_SECRET = 'batcher_app_secret';
  const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-event-batcher-'));
  let seq = 0;
  const run = Date.now().toString(36);

  beforeAll(async () => {
    t = await startTestApp({ config: { dataDir } });
    ws = await t.workspace();
    const res = await ws.req('POST', '/v1/integrations', { provider: 'whatsapp', name: 'Lotes', settings: { phoneNumberId: '106540352242923', wabaId: '102290129340399', verifyToken: 'v' }, secrets: { appSecret: APP_SECRET, accessToken: 'a' } });
    expect(res.status).toBe(201);
    integrationId = res.body.id;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const message = (text = 'hola', id = `wamid.BATCH${run}.${++seq}`) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '102290129340399', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242923' }, contacts: [{ profile: { name: 'Dana' }, wa_id: '34611000001' }], messages: [{ from: '34611000001', id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }] } }] }],
    });
  const receive = (body: string) => t.deps.services.integrations.receive('whatsapp', integrationId, Buffer.from(body), { 'x-hub-signature-256': metaSignature(APP_SECRET, body) });
  const count = async (table: 'integration_events' | 'outbox') =>
    Number((await queryRows<{ n: number }>(t.database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${ws.id}${table === 'outbox' ? sql` AND topic = 'integration.events'` : sql``}`))[0]!.n);
  const jobEventIds = async () =>
    (await queryRows<{ ids: string[] }>(t.database.systemDb, sql`SELECT payload->'eventIds' AS ids FROM outbox WHERE workspace_id = ${ws.id} AND topic = 'integration.events' ORDER BY id`)).map((r) => r.ids);

  it('stores concurrent deliveries in one transaction with one job, each event once, duplicates in the batch or stored before included', async () => {
    const before = await receive(message());
    expect(before).toEqual({ received: 1, stored: 1 });
    const [events0, jobs0] = [await count('integration_events'), await count('outbox')];
    const stored = message('ya guardado');
    await receive(stored);
    const twice = message('dos veces');
    const bodies = [...Array.from({ length: 10 }, () => message()), twice, twice, stored];
    const receipts = await Promise.all(bodies.map(receive));
    expect(receipts.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => ({ received: 1, stored: 1 })));
    // The duplicate in the batch is stored for one of its deliveries; the redelivery for none.
    expect(receipts.slice(10, 12).map((r) => r.stored).sort()).toEqual([0, 1]);
    expect(receipts[12]).toEqual({ received: 1, stored: 0 });
    expect(await count('integration_events')).toBe(events0 + 1 + 11);
    // One job for the stored one before, one for the whole batch, naming its 11 new events.
    expect(await count('outbox')).toBe(jobs0 + 2);
    expect((await jobEventIds()).at(-1)).toHaveLength(11);
  });

  it('answers 503 to every delivery of a batch that cannot be stored, and stores none of them', async () => {
    const [events0, jobs0] = [await count('integration_events'), await count('outbox')];
    // A NUL escape is valid JSON that jsonb refuses: the database fails the insert.
    const settled = await Promise.allSettled(Array.from({ length: 4 }, () => receive(message('nul \u0000 byte'))));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(settled.map((s) => (s as PromiseRejectedResult).reason)).toEqual(Array.from({ length: 4 }, () => expect.objectContaining({ code: 'service_unavailable', options: { status: 503 } })));
    expect([await count('integration_events'), await count('outbox')]).toEqual([events0, jobs0]);
  });

  it('stores the others of a batch when one delivery in it cannot be stored, and loses none', async () => {
    const events0 = await count('integration_events');
    const settled = await Promise.allSettled([receive(message()), receive(message('nul \u0000 byte')), receive(message()), receive(message())]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'service_unavailable', options: { status: 503 } });
    expect(await count('integration_events')).toBe(events0 + 3);
  });

  it('answers through HTTP as before: 200 with the receipt, 401 for a bad signature (nothing stored)', async () => {
    const body = message();
    const events0 = await count('integration_events');
    const [ok, bad] = await Promise.all([
      t.app.inject({ method: 'POST', url: `/v1/hooks/whatsapp/${integrationId}`, headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(APP_SECRET, body) }, payload: body }),
      t.app.inject({ method: 'POST', url: `/v1/hooks/whatsapp/${integrationId}`, headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature('other', message()) }, payload: message() }),
    ]);
    expect([ok.statusCode, JSON.parse(ok.body)]).toEqual([200, { received: 1, stored: 1 }]);
    expect(bad.statusCode).toBe(401);
    expect(await count('integration_events')).toBe(events0 + 1);
  });
});
