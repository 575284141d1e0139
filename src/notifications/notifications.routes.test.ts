import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
});
afterAll(() => t.close());

/** An inbound WhatsApp message on an unowned contact: pending attention, one workspace-wide notification. */
async function pendingContact(w: TestWorkspace, name: string): Promise<string> {
  const c = await w.req('POST', '/v1/contacts', { firstName: name, phone: `+3461${Math.floor(1_000_000 + Math.random() * 8_999_999)}` });
  expect(c.status, c.text).toBe(201);
  const m = await w.req('POST', `/v1/contacts/${c.body.id}/whatsapp-messages`, { direction: 'inbound', body: `Hola, soy ${name}` });
  expect(m.status, m.text).toBe(201);
  return c.body.id as string;
}
const unread = async (w: TestWorkspace) => (await w.req('GET', '/v1/notifications?unread=true')).body.data as { id: string; contactId: string }[];

describe('mark notifications read', () => {
  it("marks one contact's notifications, then all, and never another workspace's", async () => {
    const laura = await pendingContact(ws, 'Laura');
    const pablo = await pendingContact(ws, 'Pablo');
    const theirs = await pendingContact(other, 'Otra');
    expect((await unread(ws)).map((n) => n.contactId).sort()).toEqual([laura, pablo].sort());

    const one = await ws.req('POST', '/v1/notifications/read-all', { contactId: laura });
    expect(one.status, one.text).toBe(200);
    expect(one.body.marked).toBe(1);
    expect((await unread(ws)).map((n) => n.contactId)).toEqual([pablo]);

    // Another workspace's contact: nothing of theirs changes.
    const foreign = await ws.req('POST', '/v1/notifications/read-all', { contactId: theirs });
    expect(foreign.body.marked).toBe(0);
    expect((await unread(other)).map((n) => n.contactId)).toEqual([theirs]);

    const all = await ws.req('POST', '/v1/notifications/read-all', {});
    expect(all.body).toEqual({ marked: 1 });
    expect(await unread(ws)).toEqual([]);
    expect((await unread(other)).length).toBe(1);
    const again = await ws.req('POST', '/v1/notifications/read-all', {});
    expect(again.body.marked).toBe(0);
  });

  it('refuses a bad contact id with a pointer to the field', async () => {
    const res = await ws.req('POST', '/v1/notifications/read-all', { contactId: 'nope' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('/contactId');
  });
});
