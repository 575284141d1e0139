import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from '../lib/db.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { recomputeAttentionOf } from './attention.repo.ts';

let t: TestApp;
let ws: TestWorkspace;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(() => t.close());

const newContact = async () => {
  const res = await ws.req('POST', '/v1/contacts', { phone: `+3465${String(1_000_000 + ++seq).padStart(7, '0')}` });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const inbound = async (id: string, sentAt: string) => expect((await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', body: 'hola', sentAt })).status).toBe(201);
/** The row version's transaction id: a row written again gets a new one. */
const xminOf = async (id: string) => (await queryRows<{ x: string }>(t.database.systemDb, sql`SELECT xmin::text AS x FROM contacts WHERE id = ${id}`))[0]!.x;
const recompute = (ids: string[]) => inWorkspace(ws.id, () => t.database.db.transaction((tx) => recomputeAttentionOf(tx, ws.id, ids)));

describe('recomputeAttentionOf (the batched attention recompute)', () => {
  it('writes only the contacts whose attention or window changed, and answers their new columns', async () => {
    const [same, moved] = [await newContact(), await newContact()];
    await inbound(same, '2026-11-28T10:00:00.000Z');
    await inbound(moved, '2026-11-28T10:00:00.000Z');
    const before = { same: await xminOf(same), moved: await xminOf(moved) };
    // A later message stored behind the recompute's back: only `moved`'s window moves.
    await t.database.systemDb.execute(sql`INSERT INTO whatsapp_messages (workspace_id, id, contact_id, direction, type, body, status, sent_at, author_type, author_id, created_at, updated_at)
      SELECT workspace_id, gen_random_uuid(), contact_id, 'inbound', type, body, status, '2026-11-28T11:00:00Z', author_type, author_id, created_at, updated_at FROM whatsapp_messages WHERE contact_id = ${moved} LIMIT 1`);

    const changed = await recompute([same, moved]);

    expect(changed).toEqual([
      expect.objectContaining({
        id: moved,
        attentionSince: new Date('2026-11-28T10:00:00.000Z'),
        attentionWhatsappSince: new Date('2026-11-28T10:00:00.000Z'),
        attentionCallSince: null,
        lastInboundWhatsappAt: new Date('2026-11-28T11:00:00.000Z'),
      }),
    ]);
    expect(await xminOf(same)).toBe(before.same);
    expect(await xminOf(moved)).not.toBe(before.moved);
  });

  it('writes nothing when nothing changed', async () => {
    const id = await newContact();
    await inbound(id, '2026-11-28T09:00:00.000Z');
    const x = await xminOf(id);
    expect(await recompute([id])).toEqual([]);
    expect(await xminOf(id)).toBe(x);
  });
});
